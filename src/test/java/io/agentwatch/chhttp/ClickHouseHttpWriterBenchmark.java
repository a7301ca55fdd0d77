package io.agentwatch.chhttp;

import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.Transport;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.FlowRows;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.RowBinaryWriter;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: what writing through the ClickHouse HTTP interface's writer costs next to the
 * embedded store's own insert (BENCHMARKS.md, Store). The same flow batches (RowBinary, with a
 * deduplication token each, as the sink sends them) go once straight into the store and once
 * through RemoteClickHouseStore (client-v2) to the writer. Run with
 * {@code mvn -pl src -am test -Dtest=ClickHouseHttpWriterBenchmark -Dagentwatch.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "agentwatch.bench", matches = "true")
class ClickHouseHttpWriterBenchmark {

  private static final int BATCH = Integer.getInteger("agentwatch.bench.batch", 10_000);
  private static final int BATCHES = Integer.getInteger("agentwatch.bench.batches", 20);

  @TempDir Path dir;

  @Test
  void rowsPerSecondDirectAndThroughTheWriter() throws Exception {
    byte[][] batches = new byte[BATCHES][];
    for (int b = 0; b < BATCHES; b++) {
      RowBinaryWriter out = new RowBinaryWriter();
      for (int i = 0; i < BATCH; i++) {
        FlowRows.encode(out, flow((long) b * BATCH + i));
      }
      batches[b] = out.toByteArray();
    }
    Path password = dir.resolve("writer");
    Files.writeString(password, "bench\n");
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dir.resolve("store"));
        ClickHouseHttpServer server = ClickHouseHttpServer.start(
            ClickHouseHttpConfig.loopback(0).withWriter("agentwatch-writer", "bench"), store);
        ClickHouseStore writer = Stores.open(StoreConfig.remote(server.url(), "default", "agentwatch-writer", password.toString()))) {
      Migrations.bundled(store).apply();
      // Warm-up, then each path twice, alternating, so neither has the engine's caches to itself.
      for (int round = 0; round < 3; round++) {
        double direct = timed(store, batches, "direct-" + round);
        double remote = timed(writer, batches, "remote-" + round);
        System.out.printf("round %d: direct %.0f rows/s, through the writer %.0f rows/s (%d batches of %d rows, %.1f MB each)%n",
            round, BATCHES * (double) BATCH / direct, BATCHES * (double) BATCH / remote, BATCHES, BATCH,
            batches[0].length / 1e6);
      }
    }
  }

  private static double timed(ClickHouseStore target, byte[][] batches, String tokenPrefix) throws Exception {
    long start = System.nanoTime();
    for (int b = 0; b < batches.length; b++) {
      target.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, batches[b], tokenPrefix + "-" + b);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static FlowRecord flow(long n) {
    Instant start = Instant.parse("2026-12-06T10:00:00Z").plusMillis(n * 10);
    return FlowRecord.newBuilder()
        .setSensorId("sensor-" + n % 4).setSequence(n).setHost("host-" + n % 500)
        .setHostOwner("owner-" + n % 50).setHostTeam("team-" + n % 10)
        .setSrcIp("10.0." + (n % 500) / 250 + "." + n % 250).setSrcPort((int) (40000 + n % 20000))
        .setDstIp("160.79.104.10").setDstPort(443).setTransport(Transport.TCP)
        .setFirstSeen(start).setLastSeen(start.plusSeconds(30))
        .setPacketsUp(10 + n % 100).setPacketsDown(12 + n % 100).setBytesUp(1000 + n % 100_000).setBytesDown(5000 + n % 10_000)
        .setSni("api.anthropic.com").setAlpn("h2").setJa4("t13d1516h2_8daaf6152771_02713d6af862")
        .setDnsName("api.anthropic.com").setVendor("anthropic").setService("anthropic-api").setCategory("llm-api")
        .setIdentifiedBy(Evidence.SNI).setEndReason(EndReason.FIN)
        .build();
  }
}
