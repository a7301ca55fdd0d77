package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads run beside writes: a console query does not wait for the job's inserts. */
class ConcurrentReadsTest {

  /** One row per block, each row sleeping: an insert that takes about 4 s and barely any CPU. */
  private static final String SLOW_INSERT = "INSERT INTO slow SELECT number FROM numbers(40)"
      + " WHERE sleepEachRow(0.1) = 0 SETTINGS max_block_size = 1";

  @TempDir Path dataDir;

  @Test
  void aQueryIsAnsweredWhileALongInsertRuns() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      store.execute("CREATE TABLE slow (x UInt64) ENGINE = MergeTree ORDER BY x");
      store.execute("CREATE TABLE seen (x UInt64) ENGINE = MergeTree ORDER BY x");
      store.execute("INSERT INTO seen SELECT 7");

      long insertStart = System.nanoTime();
      CompletableFuture<Void> insert = CompletableFuture.runAsync(() -> {
        try {
          store.execute(SLOW_INSERT);
        } catch (StoreException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(500); // the insert is running

      long queryStart = System.nanoTime();
      String answer = store.query("SELECT sum(x) FROM seen");
      long queryMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queryStart);
      boolean insertStillRunning = !insert.isDone();
      insert.get(60, TimeUnit.SECONDS);
      long insertMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - insertStart);
      System.out.printf("query answered in %d ms during an insert of %d ms%n", queryMillis, insertMillis);

      assertEquals("7\n", answer);
      assertTrue(insertStillRunning, "the query returned only after the insert finished (" + queryMillis + " ms)");
      assertTrue(queryMillis < 2000, "the query took " + queryMillis + " ms while the insert ran");
      assertEquals("40\n", store.query("SELECT count() FROM slow"), "a read after the insert sees its rows");
    }
  }

  @Test
  void aReadOnlyQueryRefusesWritesAndSettingsInTheStatementButTakesSettingsGivenBefore() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      store.execute("CREATE TABLE t (x UInt64) ENGINE = MergeTree ORDER BY x");

      StoreException insert = assertThrows(StoreException.class,
          () -> store.queryReadOnly("INSERT INTO t SELECT 1", "TabSeparated", "", Map.of()));
      assertEquals(164, insert.clickHouseCode(), insert.getMessage()); // READONLY
      for (String write : java.util.List.of("SYSTEM STOP MERGES", "/* x */ ALTER TABLE t DELETE WHERE 1", "OPTIMIZE TABLE t FINAL")) {
        StoreException refused = assertThrows(StoreException.class,
            () -> store.queryReadOnly(write, "TabSeparated", "", Map.of()), write);
        assertEquals(164, refused.clickHouseCode(), refused.getMessage());
      }
      StoreException lift = assertThrows(StoreException.class,
          () -> store.queryReadOnly("SELECT 1 SETTINGS readonly = 0", "TabSeparated", "", Map.of()));
      assertEquals(164, lift.clickHouseCode(), lift.getMessage());

      StatementResult result = store.queryReadOnly("SELECT getSetting('max_threads'), currentDatabase()", "TSV",
          "system", Map.of("max_threads", "3"));
      assertEquals("3\tsystem\n", new String(result.body(), java.nio.charset.StandardCharsets.UTF_8));
      assertEquals("0\n", store.query("SELECT count() FROM t"), "the refused insert wrote nothing");
      store.execute("INSERT INTO t SELECT 1"); // the writer is not read-only
    }
  }
}
