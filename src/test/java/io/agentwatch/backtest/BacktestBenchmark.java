package io.agentwatch.backtest;

import io.agentwatch.api.QueryResult;
import io.agentwatch.jobs.detect.DetectionConfig;
import io.agentwatch.schema.HostVendorWindow;
import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.HostVendorWindowRows;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.NamedQueries;
import io.agentwatch.store.RowBinaryWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long `agentwatch backtest` takes per stored minute: a fleet's minutes (every host active
 * every minute with one or two vendors: the worst case per host) written to an embedded store,
 * then read, replayed through the detectors and compared. Not a test; run with
 * {@code mvn -pl src -am test -Dtest=BacktestBenchmark -Dagentwatch.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false} (-Dagentwatch.bench.hosts=N, -Dagentwatch.bench.hours=N).
 */
@EnabledIfSystemProperty(named = "agentwatch.bench", matches = "true")
class BacktestBenchmark {

  private static final int HOSTS = Integer.getInteger("agentwatch.bench.hosts", 100);
  private static final int HOURS = Integer.getInteger("agentwatch.bench.hours", 24);
  private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

  static {
    SchemaTrust.ensure();
  }

  @TempDir Path dataDir;

  @Test
  void storedMinutesPerSecondThroughTheDetectors() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      Random random = new Random(1);
      long rows = 0;
      for (int minute = 0; minute < HOURS * 60; minute += 60) {
        RowBinaryWriter out = new RowBinaryWriter();
        for (int m = minute; m < minute + 60; m++) {
          Instant start = START.plusSeconds(60L * m);
          for (int host = 0; host < HOSTS; host++) {
            for (String vendor : host % 2 == 0 ? new String[] {"openai"} : new String[] {"openai", "anthropic"}) {
              long up = 20_000 + random.nextInt(200_000);
              HostVendorWindowRows.encode(out, HostVendorWindow.newBuilder().setHost("host-" + host).setVendor(vendor)
                  .setService("api").setWindowStart(start).setWindowEnd(start.plusSeconds(60)).setBytesUp(up)
                  .setBytesDown(up * 3).setPacketsUp(20).setPacketsDown(30).setFlows(2).setMaxUpload(up / 2)
                  .setDistinctDestinations(1).build());
              rows++;
            }
          }
        }
        store.insertRowBinary(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, out.toByteArray());
      }
      Instant now = Instant.now();
      long started = System.nanoTime();
      Backtest backtest = Backtest.run((name, parameters) -> {
        try {
          return QueryResult.run(store, NamedQueries.get(name), parameters, now);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, START.plus(Duration.ofHours(HOURS / 2)), START.plus(Duration.ofHours(HOURS)), Duration.ofHours(HOURS / 2),
          DetectionConfig.defaults());
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("backtest: %d hosts, %d h, %d stored minutes (%d written) in %.1f s: %.0f minutes/s; %d incidents now%n",
          HOSTS, HOURS, backtest.windows(), rows, seconds, backtest.windows() / seconds,
          backtest.comparison().rows().size());
    }
  }
}
