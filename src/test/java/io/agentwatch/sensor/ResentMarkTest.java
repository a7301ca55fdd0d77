package io.agentwatch.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records a previous run left in the spool may have reached the broker before that run ended, so
 * they go out marked as re-sent (FlowMessageHeaders.RESENT); records of this run go out unmarked.
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

  private static FlowRecord record(long sequence) {
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
