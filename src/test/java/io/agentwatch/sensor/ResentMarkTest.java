package io.agentwatch.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.export.KafkaExportConfig;
import io.agentwatch.capture.export.SpoolingKafkaExporter;
import io.agentwatch.capture.spool.DiskSpool;
import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowMessageHeaders;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.SingleObjectCodec;
import io.agentwatch.schema.Transport;
import io.agentwatch.stack.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records that may have reached the broker before — left in the spool by the previous run, or handed
 * to a producer that then failed — go out marked as re-sent (FlowMessageHeaders.RESENT); records
 * sent for the first time go out unmarked.
 */
class ResentMarkTest {

  @TempDir Path dir;

  @Test
  void recordsLeftInTheSpoolByThePreviousRunAreMarkedAndNewOnesAreNot() throws Exception {
    SingleObjectCodec<FlowRecord> codec = SingleObjectCodec.flowRecords();
    Path spoolDir = dir.resolve("spool");
    try (DiskSpool previousRun = DiskSpool.open(spoolDir, 1 << 20, 64 << 10)) {
      for (long sequence = 1; sequence <= 30; sequence++) {
        previousRun.append(sequence, "laptop-7".getBytes(StandardCharsets.UTF_8), codec.encode(record(sequence)));
      }
    }
    Map<Long, Boolean> marked = new TreeMap<>();
    try (KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).start()) {
      broker.createTopic("flows", 2);
      DiskSpool spool = DiskSpool.open(spoolDir, 1 << 20, 64 << 10);
      try (SpoolingKafkaExporter exporter = new SpoolingKafkaExporter(
          KafkaExportConfig.of(broker.bootstrapServers()), spool, SpoolingKafkaExporter.Settings.defaults())) {
        for (long sequence = 31; sequence <= 40; sequence++) {
          exporter.accept(record(sequence));
        }
        exporter.flush();
      }
      SensorRig.consumeAll(broker.bootstrapServers(), "flows", (message, record) ->
          marked.merge(record.getSequence(), message.headers().lastHeader(FlowMessageHeaders.RESENT) != null, (a, b) -> {
            throw new AssertionError("sequence " + record.getSequence() + " twice in the topic");
          }));
    }
    Map<Long, Boolean> expected = new TreeMap<>();
    for (long sequence = 1; sequence <= 40; sequence++) {
      expected.put(sequence, sequence <= 30);
    }
    assertEquals(expected, marked, "sequence → marked re-sent");
  }

  @Test
  void recordsHandedToAProducerThatFailedAreMarkedWhenSentAgain() throws Exception {
    Map<Long, Boolean> marked = new TreeMap<>();
    try (KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).start()) {
      // No topic yet (the broker does not create topics): the first producer gives up after 1 s,
      // is closed and replaced, and the spool hands its records out again.
      KafkaExportConfig config = new KafkaExportConfig(broker.bootstrapServers(), "flows", Map.of("max.block.ms", "1000"));
      SpoolingKafkaExporter.Settings settings =
          new SpoolingKafkaExporter.Settings(1_000, Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofMillis(500));
      try (SpoolingKafkaExporter exporter = new SpoolingKafkaExporter(config,
          DiskSpool.open(dir.resolve("spool"), 1 << 20, 64 << 10), settings)) {
        for (long sequence = 1; sequence <= 20; sequence++) {
          exporter.accept(record(sequence));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (exporter.stats().producerErrors() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertTrue(exporter.stats().producerErrors() > 0, "the first producer failed");
        broker.createTopic("flows", 2);
        exporter.flush();
      }
      SensorRig.consumeAll(broker.bootstrapServers(), "flows", (message, record) ->
          marked.merge(record.getSequence(), message.headers().lastHeader(FlowMessageHeaders.RESENT) != null, (a, b) -> {
            throw new AssertionError("sequence " + record.getSequence() + " twice in the topic");
          }));
    }
    assertEquals(20, marked.size(), "every record arrives once: " + marked);
    // Which records the failed producer had been handed depends on timing; they are a prefix and
    // exactly they are marked.
    long handed = marked.entrySet().stream().filter(Map.Entry::getValue).count();
    assertTrue(handed >= 1, "the first record went to the failed producer: " + marked);
    marked.forEach((sequence, resent) -> assertEquals(sequence <= handed, resent, "sequence " + sequence + " in " + marked));
  }

  /** A flow record of sensor resend-test with this sequence (also {@link SensorKafkaSecurityTest}'s). */
  static FlowRecord record(long sequence) {
    Instant at = Instant.parse("2026-11-22T09:00:00Z").plusSeconds(sequence);
    return FlowRecord.newBuilder()
        .setSensorId("resend-test").setSequence(sequence).setHost("laptop-7")
        .setSrcIp("10.0.0.7").setSrcPort(40_000 + (int) sequence).setDstIp("160.79.104.10").setDstPort(443)
        .setTransport(Transport.TCP).setFirstSeen(at.minusSeconds(5)).setLastSeen(at)
        .setPacketsUp(10).setPacketsDown(12).setBytesUp(2_000).setBytesDown(9_000)
        .setSni("api.anthropic.com").setVendor("anthropic").setService("api")
        .setIdentifiedBy(Evidence.SNI).setEndReason(EndReason.FIN)
        .build();
  }
}
