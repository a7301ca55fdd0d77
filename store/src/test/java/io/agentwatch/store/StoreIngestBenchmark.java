package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: what the embedded engine alone costs per {@code flows} row on this machine, the floor
 * under any stream-job throughput figure (BENCHMARKS.md, Stream jobs). Run with
 * {@code mvn -pl stream-jobs test -Dtest=StoreIngestBenchmark -Dagentwatch.bench=true}.
 *
 * <p>Rows like the benchmark job's (500 hosts, three vendors, every column the sink writes) are
 * made by the engine and read back as RowBinary batches before anything is timed; the batches are
 * inserted through the same streamed insert the sink uses; then the
 * benchmark waits until the engine has no merge running. It reports rows/s of the insert calls and
 * the process's CPU per row over inserts and merges (chDB's own threads included).
 */
@EnabledIfSystemProperty(named = "agentwatch.bench", matches = "true")
class StoreIngestBenchmark {

  private static final int BATCH = Integer.getInteger("agentwatch.bench.batch", 100_000);
  private static final int BATCHES = Integer.getInteger("agentwatch.bench.batches", 10);
  private static final List<String> COLUMNS = FlowRows.COLUMNS;

  @TempDir Path dir;

  @Test
  void flowsRowsPerSecondAndCpuPerRow() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dir)) {
      Migrations.bundled(store).apply();
      store.execute("CREATE TABLE bench_source AS flows ENGINE = Memory");
      store.execute("INSERT INTO bench_source (" + String.join(", ", COLUMNS) + ") SELECT 'sensor-' || toString(number % 4), "
          + "number, 'host-' || toString(number % 500), toIPv6(IPv4NumToString(toUInt32(167772160 + number % 500))), "
          + "40000 + number % 20000, toIPv6('160.79.104.10'), 443, 'tcp', "
          + "toDateTime64('2026-12-06 10:00:00', 6, 'UTC') + number / 100000, "
          + "toDateTime64('2026-12-06 10:00:00', 6, 'UTC') + number / 100000 + 3, 10 + number % 7, 30 + number % 11, "
          + "5000 + number % 9999, 40000 + number % 99999, "
          + "['api.anthropic.com', 'api.openai.com', 'copilot-proxy.githubusercontent.com'][1 + number % 3], 'h2', "
          + "'t13d1516h2_8daaf6152771_e5627efa2ab1', '', ['anthropic', 'openai', 'github-copilot'][1 + number % 3], "
          + "'api', 'llm', 'sni', 'fin', 0, SHA1(toString(number)), '', 'high', '', '', '', '', '', 0 "
          + "FROM numbers(" + (long) BATCH * BATCHES + ")");
      // Every batch different: flows deduplicates a repeated insert (migration 004), as it must.
      byte[][] batches = new byte[BATCHES][];
      ChdbEngine engine = ChdbEngine.acquire(dir.toRealPath()); // the store's query() returns text
      try {
        for (int i = 0; i < BATCHES; i++) {
          batches[i] = engine.run("SELECT " + String.join(", ", COLUMNS)
              + " FROM bench_source WHERE intDiv(sequence, " + BATCH + ") = " + i + " FORMAT RowBinary");
        }
      } finally {
        engine.release();
      }
      store.execute("DROP TABLE bench_source");
      long cpuBefore = processCpuNanos();
      long start = System.nanoTime();
      for (byte[] rows : batches) {
        store.insertRowBinary("flows", COLUMNS, rows, null);
      }
      long inserted = System.nanoTime();
      // Merges settled: none running and the number of active parts unchanged for two seconds.
      String parts = "";
      long stableSince = System.nanoTime();
      while (System.nanoTime() - stableSince < 2_000_000_000L) {
        Thread.sleep(250);
        String now = store.query("SELECT (SELECT count() FROM system.merges), "
            + "(SELECT count() FROM system.parts WHERE table = 'flows' AND active) FORMAT TSV").trim();
        if (!now.equals(parts) || !now.startsWith("0\t")) {
          parts = now;
          stableSince = System.nanoTime();
        }
      }
      long settled = System.nanoTime() - 2_000_000_000L;
      long cpu = processCpuNanos() - cpuBefore;
      long total = (long) BATCH * BATCHES;
      assertEquals(String.valueOf(total), store.query("SELECT count() FROM flows FORMAT TSV").trim());
      System.out.printf("store ingest: %d flows rows in batches of %d: %.0f rows/s (insert calls), "
          + "%.2f us of CPU per row with merges (%.1f s of CPU; merges settled %.1f s after the last insert, %s active parts)%n",
          total, BATCH, total / ((inserted - start) / 1e9), cpu / 1e3 / total, cpu / 1e9, (settled - inserted) / 1e9,
          parts.substring(parts.indexOf('\t') + 1));
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
