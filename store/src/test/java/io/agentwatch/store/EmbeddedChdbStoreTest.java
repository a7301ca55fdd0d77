package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.agentwatch.store.SampleRecords.DAY;
import static io.agentwatch.store.SampleRecords.NEXT_DAY;

import io.agentwatch.schema.FlowRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedChdbStoreTest {

  @TempDir Path dataDir;

  @Test
  void flowRecordsInsertedAsRowBinaryReadBackWithExactValues() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      RowBinaryWriter out = new RowBinaryWriter();
      for (FlowRecord flow : List.of(SampleRecords.anthropicOverIpv4(1), SampleRecords.unknownOverIpv6(2))) {
        FlowRows.encode(out, flow);
      }

      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray());

      // The record's columns as a reader sees them (community_id, not the bytes it is stored as).
      List<String> columns = io.agentwatch.schema.FlowColumns.ALL.stream()
          .filter(io.agentwatch.schema.FlowColumns.Column::ofTheRecord).map(io.agentwatch.schema.FlowColumns.Column::name).toList();
      String text = store.query("SELECT " + String.join(", ", columns) + " FROM flows ORDER BY sequence FORMAT TabSeparated");
      assertEquals(
          "sensor-1\t1\tdev-laptop-7\t::ffff:10.1.2.3\t51234\t::ffff:160.79.104.10\t443\ttcp"
              + "\t" + DAY + " 05:06:07.123456\t" + DAY + " 05:07:08.654321\t120\t340\t1500000\t42000"
              + "\tapi.anthropic.com\th2,http/1.1\tt13d1516h2_8daaf6152771_02713d6af862\tapi.anthropic.com"
              + "\tanthropic\tanthropic-api\tllm-api\tsni\tfin\t0\t\t\talice\tpayments\t\t\t\n"
              + "sensor-1\t2\tbuild-server\t2001:db8::1\t40000\t2606:4700:10::6816:1b2c\t443\tudp"
              + "\t" + DAY + " 23:59:59.999999\t" + NEXT_DAY + " 00:00:00.000001\t1\t0\t1350\t0"
              + "\t\t\t\t\t\t\t\tnone\tend-of-capture\t0\t\t\t\t\t\t\t\n",
          text);
      // The IPv4 text a dashboard shows comes back from the mapped form.
      assertEquals("10.1.2.3\n", store.query("SELECT IPv4NumToString(toIPv4(src_ip)) FROM flows WHERE sequence = 1"));
    }
  }

  @Test
  void sqlErrorCarriesTheClickHouseTextAndIsNotRetriable() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      StoreException error = assertThrows(StoreException.class, () -> store.query("SELECT * FROM no_such_table"));
      assertFalse(error.isRetriable());
      assertTrue(error.getMessage().startsWith("Code: 60."), error.getMessage());
      assertTrue(error.getMessage().contains("UNKNOWN_TABLE"), error.getMessage());
      assertTrue(error.getMessage().contains("SELECT * FROM no_such_table"), error.getMessage());

      StoreException syntax = assertThrows(StoreException.class, () -> store.execute("CREATE TABEL x (a UInt8)"));
      assertTrue(syntax.getMessage().contains("SYNTAX_ERROR"), syntax.getMessage());
      assertFalse(syntax.isRetriable());
    }
  }

  @Test
  void queryReturnsTheFormatTheStatementNamesAndTabSeparatedOtherwise() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      assertEquals("{\"n\":1,\"s\":\"a\"}\n", store.query("SELECT 1 AS n, 'a' AS s FORMAT JSONEachRow"));
      assertEquals("1\ta\n", store.query("SELECT 1 AS n, 'a' AS s"));
    }
  }

  @Test
  void twoStoresOnOnePathShareTheDataAndClosingOneLeavesTheOtherUsable() throws Exception {
    EmbeddedChdbStore first = EmbeddedChdbStore.open(dataDir);
    try (EmbeddedChdbStore second = EmbeddedChdbStore.open(dataDir.resolve(".").resolve("../" + dataDir.getFileName()))) {
      first.execute("CREATE TABLE shared (n UInt32) ENGINE = MergeTree ORDER BY n");
      first.insertRowBinary("shared", List.of("n"), new RowBinaryWriter().uint32(7).toByteArray());
      assertEquals("7\n", second.query("SELECT n FROM shared"));

      first.close();
      first.close(); // closing twice gives back one share only once

      second.insertRowBinary("shared", List.of("n"), new RowBinaryWriter().uint32(8).toByteArray());
      assertEquals("2\n", second.query("SELECT count() FROM shared"));
      StoreException closed = assertThrows(StoreException.class, () -> first.query("SELECT 1"));
      assertTrue(closed.getMessage().endsWith("is closed"), closed.getMessage());
    }
    // Every share given back: the directory can be opened again, and the data is on disk.
    try (EmbeddedChdbStore reopened = EmbeddedChdbStore.open(dataDir)) {
      assertEquals("2\n", reopened.query("SELECT count() FROM shared"));
    }
  }

  @Test
  void aSecondDataDirectoryWhileTheFirstIsOpenIsRefusedWithTheReason(@TempDir Path otherDir) throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      StoreException error = assertThrows(StoreException.class, () -> EmbeddedChdbStore.open(otherDir));
      assertTrue(error.getMessage().contains("one data directory per process"), error.getMessage());
      assertEquals("1\n", store.query("SELECT 1"));
    }
  }

  @Test
  void storesOnOnePathCanBeUsedFromManyThreads() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      store.execute("CREATE TABLE parallel (n UInt32) ENGINE = MergeTree ORDER BY n");
      List<Thread> writers = new java.util.ArrayList<>();
      java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
      for (int t = 0; t < 4; t++) {
        int base = t * 1000;
        writers.add(new Thread(() -> {
          try (EmbeddedChdbStore own = EmbeddedChdbStore.open(dataDir)) {
            for (int batch = 0; batch < 10; batch++) {
              RowBinaryWriter out = new RowBinaryWriter();
              for (int i = 0; i < 100; i++) {
                out.uint32(base + batch * 100 + i);
              }
              own.insertRowBinary("parallel", List.of("n"), out.toByteArray());
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }));
      }
      writers.forEach(Thread::start);
      for (Thread writer : writers) {
        writer.join();
      }
      assertTrue(failures.isEmpty(), failures.toString());
      assertEquals("4000\t4000\n", store.query("SELECT count(), uniqExact(n) FROM parallel"),
          store.query("SELECT intDiv(n, 100) AS b, count() FROM parallel GROUP BY b HAVING count() != 100"));
    }
  }
}
