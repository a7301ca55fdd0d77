package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwatch.schema.AddressLiterals;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each encoding is checked against the real ClickHouse parser: insert as RowBinary, read back as text. */
class RowBinaryWriterTest {

  @TempDir Path dataDir;

  @Test
  void everyEncodingReadsBackExactlyThroughTheEngine() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      store.execute("CREATE TABLE every_type (u8 UInt8, u16 UInt16, u32 UInt32, u64 UInt64, i64 Int64, f64 Float64,"
          + " s String, ns Nullable(String), lc LowCardinality(String), v4 IPv4, v6 IPv6,"
          + " t3 DateTime64(3, 'UTC'), t6 DateTime64(6, 'UTC'), t DateTime('UTC')) ENGINE = Memory");
      List<String> columns = List.of("u8", "u16", "u32", "u64", "i64", "f64", "s", "ns", "lc", "v4", "v6", "t3", "t6", "t");
      RowBinaryWriter out = new RowBinaryWriter(16);
      out.uint8(255).uint16(65535).uint32(4_294_967_295L).uint64(-1L).int64(Long.MIN_VALUE).float64(-0.125)
          .string("Grüße\ttab " + "x".repeat(200)).nullableString(null).lowCardinalityString("anthropic")
          .ipv4((java.net.Inet4Address) AddressLiterals.parse("192.168.0.1"))
          .ipv6("10.1.2.3")
          .dateTime64(Instant.parse("2025-03-04T05:06:07.123999Z"), 3)
          .dateTime64(Instant.parse("1969-12-31T23:59:59.999999Z"), 6)
          .dateTime(Instant.parse("2106-02-07T06:28:15Z"));
      out.uint8(0).uint16(0).uint32(0).uint64(42).int64(-42).float64(1e300)
          .string("").nullableString("").lowCardinalityString("")
          .ipv4((java.net.Inet4Address) AddressLiterals.parse("0.0.0.1"))
          .ipv6("2001:db8::ff00:42:8329")
          .dateTime64(Instant.EPOCH, 3)
          .dateTime64(Instant.parse("2025-03-04T05:06:07.000001Z"), 6)
          .dateTime(Instant.EPOCH);

      store.insertRowBinary("every_type", columns, out.toByteArray());

      String text = store.query("SELECT * FROM every_type ORDER BY u8 DESC FORMAT TabSeparated");
      assertEquals(
          "255\t65535\t4294967295\t18446744073709551615\t-9223372036854775808\t-0.125\tGrüße\\ttab " + "x".repeat(200)
              + "\t\\N\tanthropic\t192.168.0.1\t::ffff:10.1.2.3\t2025-03-04 05:06:07.123\t1969-12-31 23:59:59.999999\t2106-02-07 06:28:15\n"
              + "0\t0\t0\t42\t-42\t1e300\t\t\t\t0.0.0.1\t2001:db8::ff00:42:8329\t1970-01-01 00:00:00.000\t2025-03-04 05:06:07.000001\t1970-01-01 00:00:00\n",
          text);
    }
  }

  @Test
  void stringsAreLengthPrefixedUtf8WhateverTheirCharacters() {
    for (String text : List.of("", "a", "x".repeat(127), "x".repeat(128), "Grüße", "x".repeat(126) + "é", "日本",
        "api.anthropic.example")) {
      byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
      int length = utf8.length;
      while (length >= 0x80) {
        expected.write((length & 0x7F) | 0x80);
        length >>>= 7;
      }
      expected.write(length);
      expected.writeBytes(utf8);
      assertArrayEquals(expected.toByteArray(), new RowBinaryWriter(16).string(text).toByteArray(), text);
    }
  }

  @Test
  void ipv4TextEncodesLikeTheParsedAddress() throws Exception {
    for (String text : List.of("0.0.0.0", "10.0.0.1", "160.79.104.3", "255.255.255.255", "1.22.133.4",
        "::ffff:10.0.0.1", "2001:db8::1")) {
      assertArrayEquals(new RowBinaryWriter().ipv6(java.net.InetAddress.getByName(text)).toByteArray(),
          new RowBinaryWriter().ipv6(text).toByteArray(), text);
    }
    for (String text : List.of("1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.", ".1.2.3", "1.2.3.4a", "1234.1.1.1")) {
      assertThrows(IllegalArgumentException.class, () -> new RowBinaryWriter().ipv6(text), text);
    }
  }

  @Test
  void stringLengthIsLeb128() {
    byte[] bytes = new RowBinaryWriter().string("a".repeat(300)).toByteArray();
    assertEquals(302, bytes.length);
    assertEquals((byte) 0xAC, bytes[0]);
    assertEquals((byte) 0x02, bytes[1]);
  }

  @Test
  void resetKeepsNothingOfThePreviousBatch() {
    RowBinaryWriter out = new RowBinaryWriter(16);
    out.string("x".repeat(100));
    out.reset().uint16(0x0102);
    assertArrayEquals(new byte[] {0x02, 0x01}, out.toByteArray());
  }

  @Test
  void valuesOutsideTheColumnTypeAreRefusedNotWrapped() {
    RowBinaryWriter out = new RowBinaryWriter();
    assertThrows(IllegalArgumentException.class, () -> out.uint16(65536));
    assertThrows(IllegalArgumentException.class, () -> out.uint8(-1));
    assertThrows(IllegalArgumentException.class, () -> out.dateTime(Instant.parse("2106-02-07T06:28:16Z")));
    assertEquals(0, out.size());
  }

  @Test
  void addressTextThatIsNotALiteralIsRefusedWithoutALookup() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> AddressLiterals.parse("api.anthropic.com"));
    assertEquals("not an IP address literal: 'api.anthropic.com'", error.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AddressLiterals.parse("1234"));
  }
}
