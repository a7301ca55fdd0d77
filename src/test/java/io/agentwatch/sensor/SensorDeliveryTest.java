package io.agentwatch.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.service.SensorService;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.KafkaBroker;
import io.agentwatch.testing.CapturedLogs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sensor service against a real broker that goes away: a known stream of flows (a capture
 * replayed at its recorded pace) is exported while the broker is stopped and started again; the
 * topic must then hold every sequence number exactly once, or — with a spool too small for the
 * outage — lack exactly as many as the sensor reports dropped.
 */
class SensorDeliveryTest {

  private static final String TOPIC = "flows";

  @TempDir Path dir;

  @Test
  void aThirtySecondBrokerOutageDelaysRecordsButLosesAndDuplicatesNone() throws Exception {
    Path capture = SensorRig.knownCapture(dir, 50, 25);
    try (KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).start()) {
      broker.createTopic(TOPIC, 3);
      SensorService service = SensorRig.service(Map.of(
          "capture.read", capture.toString(), "capture.replay-speed", "recorded",
          "kafka.bootstrap-servers", broker.bootstrapServers(), "sensor.id", "outage-test",
          "spool.directory", dir.resolve("spool").toString(), "metrics.listen", "127.0.0.1:0"));
      CompletableFuture<SensorStats> run = CompletableFuture.supplyAsync(() -> runQuietly(service));
      String metricsUrl = "http://127.0.0.1:" + awaitMetricsPort(service, run) + "/metrics";
      Thread.sleep(6_000);
      assertTrue(SensorRig.sample(SensorRig.scrape(metricsUrl), "agentwatch_records_sent_total") > 0,
          "nothing delivered before the outage");

      broker.stop();
      long outageStarted = System.nanoTime();
      double spooledDuringOutage = 0;
      double lagDuringOutage = 0;
      while (System.nanoTime() - outageStarted < TimeUnit.SECONDS.toNanos(32)) {
        Thread.sleep(2_000);
        String metrics = SensorRig.scrape(metricsUrl);
        spooledDuringOutage = Math.max(spooledDuringOutage, SensorRig.sample(metrics, "agentwatch_spool_records"));
        lagDuringOutage = Math.max(lagDuringOutage, SensorRig.sample(metrics, "agentwatch_delivery_lag_seconds"));
      }
      broker.start();

      SensorStats stats = run.get(3, TimeUnit.MINUTES);
      String metricsAfter = SensorRig.scrape(metricsUrl);
      double spooledAfter = SensorRig.sample(metricsAfter, "agentwatch_spool_records");
      service.close();

      long exported = stats.recordsExported();
      assertEquals(2000, exported, "the capture holds 2000 sessions, one record each");
      assertTrue(spooledDuringOutage > 500, "metrics did not show the spooling: max spool_records " + spooledDuringOutage);
      assertTrue(lagDuringOutage > 20, "metrics did not show the delivery lag: max " + lagDuringOutage + " s");
      assertEquals(0, spooledAfter, "records left in the spool after the broker came back");

      Map<Long, Long> copies = SensorRig.consumeAll(broker.bootstrapServers(), TOPIC).stream()
          .collect(Collectors.groupingBy(FlowRecord::getSequence, TreeMap::new, Collectors.counting()));
      for (long sequence = 1; sequence <= exported; sequence++) {
        assertEquals(1L, copies.getOrDefault(sequence, 0L), "copies of sequence " + sequence);
      }
      assertEquals(exported, copies.size(), "sequence numbers beyond 1.." + exported + ": " + copies.keySet());
    }
  }

  @Test
  void aSpoolTooSmallForTheOutageDropsTheOldestAndCountsExactlyTheGap() throws Exception {
    Path capture = SensorRig.knownCapture(dir, 24, 10);
    try (KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).start();
        CapturedLogs logs = new CapturedLogs()) {
      broker.createTopic(TOPIC, 2);
      SensorService service = SensorRig.service(Map.of(
          "capture.read", capture.toString(), "capture.replay-speed", "recorded",
          "kafka.bootstrap-servers", broker.bootstrapServers(), "sensor.id", "small-spool",
          "spool.directory", dir.resolve("spool").toString(), "spool.max-size", "64KiB", "metrics.listen", "off"));
      CompletableFuture<SensorStats> run = CompletableFuture.supplyAsync(() -> runQuietly(service));
      Thread.sleep(4_000);
      broker.stop();
      Thread.sleep(15_000);
      broker.start();
      SensorStats stats = run.get(3, TimeUnit.MINUTES);
      long dropped = service.delivery().orElseThrow().spool().dropped();
      service.close();

      List<FlowRecord> records = SensorRig.consumeAll(broker.bootstrapServers(), TOPIC);
      long distinct = records.stream().map(FlowRecord::getSequence).distinct().count();
      assertEquals(records.size(), distinct, "a record arrived twice");
      long gap = stats.recordsExported() - distinct;
      assertTrue(dropped > 100, "the outage did not overflow a 64 KiB spool: dropped " + dropped);
      assertEquals(gap, dropped, "dropped count vs gap in the sequence numbers");

      long logged = 0;
      Matcher drops = Pattern.compile("dropped the (\\d+) oldest unsent flow records").matcher(logs.text());
      while (drops.find()) {
        logged += Long.parseLong(drops.group(1));
      }
      assertEquals(dropped, logged, "the log does not account for every dropped record:\n" + logs.text());
    }
  }

  private static SensorStats runQuietly(SensorService service) {
    try {
      return service.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int awaitMetricsPort(SensorService service, CompletableFuture<SensorStats> run) throws Exception {
    for (int i = 0; i < 300; i++) {
      if (run.isDone()) {
        run.get(); // the service ended early: its exception says why
      }
      if (service.metricsAddress().isPresent()) {
        return service.metricsAddress().get().getPort();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the metrics endpoint did not start");
  }
}
