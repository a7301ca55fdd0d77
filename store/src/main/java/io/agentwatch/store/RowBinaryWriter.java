package io.agentwatch.store;

import io.agentwatch.schema.AddressLiterals;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Encodes values in ClickHouse's RowBinary format (little-endian, no framing: a batch is the values
 * of each row, column after column, rows one after another) into a growable buffer that is reused
 * from batch to batch: {@link #reset()} keeps the capacity.
 *
 * <p>Not thread-safe: one writer per sink writer.
 */
public final class RowBinaryWriter {

  private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L,
      10_000_000L, 100_000_000L, 1_000_000_000L};


  private byte[] buffer;
  private int size;

  public RowBinaryWriter() {
    this(64 * 1024);
  }

  public RowBinaryWriter(int initialCapacity) {
    buffer = new byte[Math.max(16, initialCapacity)];
  }

  /** Forgets the content, keeps the buffer. */
  public RowBinaryWriter reset() {
    size = 0;
    return this;
  }

  public int size() {
    return size;
  }

  /**
   * Forgets everything after the first {@code newSize} bytes: takes back a row whose encoding
   * failed halfway, so the rows before it stay whole.
   */
  public RowBinaryWriter truncate(int newSize) {
    if (newSize < 0 || newSize > size) {
      throw new IllegalArgumentException("cannot truncate " + size + " bytes to " + newSize);
    }
    size = newSize;
    return this;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buffer, size);
  }

  public RowBinaryWriter uint8(int value) {
    checkRange(value, 0, 0xFF, "UInt8");
    ensure(1);
    buffer[size++] = (byte) value;
    return this;
  }

  public RowBinaryWriter uint16(int value) {
    checkRange(value, 0, 0xFFFF, "UInt16");
    ensure(2);
    buffer[size++] = (byte) value;
    buffer[size++] = (byte) (value >>> 8);
    return this;
  }

  public RowBinaryWriter uint32(long value) {
    checkRange(value, 0, 0xFFFF_FFFFL, "UInt32");
    writeLittleEndian(value, 4);
    return this;
  }

  /** UInt64 from the bits of {@code value}: a negative long stands for a value above 2^63 - 1. */
  public RowBinaryWriter uint64(long value) {
    writeLittleEndian(value, 8);
    return this;
  }

  public RowBinaryWriter int32(int value) {
    writeLittleEndian(value, 4);
    return this;
  }

  public RowBinaryWriter int64(long value) {
    writeLittleEndian(value, 8);
    return this;
  }

  public RowBinaryWriter float64(double value) {
    writeLittleEndian(Double.doubleToRawLongBits(value), 8);
    return this;
  }

  /** String: LEB128 byte length, then UTF-8. */
  public RowBinaryWriter string(String value) {
    // Most values (hosts, vendors, addresses, Community IDs) are ASCII: written in place, no copy.
    int length = value.length();
    if (length < 128) {
      ensure(length + 1);
      int start = size;
      buffer[size++] = (byte) length;
      int i = 0;
      while (i < length) {
        char c = value.charAt(i);
        if (c >= 0x80) {
          break;
        }
        buffer[size++] = (byte) c;
        i++;
      }
      if (i == length) {
        return this;
      }
      size = start;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    varUInt(utf8.length);
    ensure(utf8.length);
    System.arraycopy(utf8, 0, buffer, size, utf8.length);
    size += utf8.length;
    return this;
  }

  /** FixedString(N): the N bytes as they are, no length. */
  public RowBinaryWriter fixedString(byte[] value) {
    ensure(value.length);
    System.arraycopy(value, 0, buffer, size, value.length);
    size += value.length;
    return this;
  }

  /** Array(String): LEB128 element count, then each string. */
  public RowBinaryWriter stringArray(java.util.List<String> values) {
    varUInt(values.size());
    for (String value : values) {
      string(value);
    }
    return this;
  }

  /** The start of an Array(T) of {@code count} elements (LEB128 count); the caller writes each element after it. */
  public RowBinaryWriter arrayLength(int count) {
    varUInt(count);
    return this;
  }

  /** Nullable(String): a 1 byte for NULL, else a 0 byte and the string. */
  public RowBinaryWriter nullableString(String value) {
    if (value == null) {
      return uint8(1);
    }
    uint8(0);
    return string(value);
  }

  /** LowCardinality(String) travels as a plain String in RowBinary; the server builds the dictionary. */
  public RowBinaryWriter lowCardinalityString(String value) {
    return string(value);
  }

  /** IPv4: the address as a UInt32, little-endian (so the first octet is the last byte). */
  public RowBinaryWriter ipv4(Inet4Address address) {
    byte[] octets = address.getAddress();
    long value = ((octets[0] & 0xFFL) << 24) | ((octets[1] & 0xFFL) << 16) | ((octets[2] & 0xFFL) << 8) | (octets[3] & 0xFFL);
    return uint32(value);
  }

  /** IPv6: 16 bytes in network order; an IPv4 address becomes ::ffff:a.b.c.d, as ClickHouse maps it. */
  public RowBinaryWriter ipv6(InetAddress address) {
    byte[] octets = address.getAddress();
    ensure(16);
    if (octets.length == 4) {
      Arrays.fill(buffer, size, size + 10, (byte) 0);
      buffer[size + 10] = (byte) 0xFF;
      buffer[size + 11] = (byte) 0xFF;
      System.arraycopy(octets, 0, buffer, size + 12, 4);
    } else {
      System.arraycopy(octets, 0, buffer, size, 16);
    }
    size += 16;
    return this;
  }

  /** IPv6 from an address literal (IPv4 or IPv6 text); never resolves a name. */
  public RowBinaryWriter ipv6(String literal) {
    long ipv4 = AddressLiterals.plainIpv4(literal);
    if (ipv4 >= 0) {
      ensure(16);
      Arrays.fill(buffer, size, size + 10, (byte) 0);
      buffer[size + 10] = (byte) 0xFF;
      buffer[size + 11] = (byte) 0xFF;
      buffer[size + 12] = (byte) (ipv4 >>> 24);
      buffer[size + 13] = (byte) (ipv4 >>> 16);
      buffer[size + 14] = (byte) (ipv4 >>> 8);
      buffer[size + 15] = (byte) ipv4;
      size += 16;
      return this;
    }
    return ipv6(AddressLiterals.parse(literal));
  }

  /** DateTime64(precision, tz): Int64 ticks of 10^-precision s since the epoch; finer parts are cut. */
  public RowBinaryWriter dateTime64(Instant instant, int precision) {
    if (precision < 0 || precision > 9) {
      throw new IllegalArgumentException("DateTime64 precision must be 0..9, got " + precision);
    }
    long scale = POWERS_OF_TEN[precision];
    long ticks = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), scale),
        instant.getNano() / POWERS_OF_TEN[9 - precision]);
    return int64(ticks);
  }

  /** DateTime: UInt32 seconds since the epoch (1970 to 2106); fractions of a second are cut. */
  public RowBinaryWriter dateTime(Instant instant) {
    return uint32(instant.getEpochSecond());
  }

  private void varUInt(long value) {
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      buffer[size++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buffer[size++] = (byte) value;
  }

  private void writeLittleEndian(long value, int bytes) {
    ensure(bytes);
    for (int i = 0; i < bytes; i++) {
      buffer[size++] = (byte) (value >>> (8 * i));
    }
  }

  private void ensure(int more) {
    if (size + more > buffer.length) {
      long wanted = Math.max((long) buffer.length * 2, (long) size + more);
      if (wanted > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("RowBinary batch larger than 2 GB: write smaller batches");
      }
      buffer = Arrays.copyOf(buffer, (int) wanted);
    }
  }

  private static void checkRange(long value, long min, long max, String type) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(type + " out of range: " + value);
    }
  }
}
