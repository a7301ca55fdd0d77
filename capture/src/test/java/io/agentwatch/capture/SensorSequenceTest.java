package io.agentwatch.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.source.DirectFileSource;
import io.agentwatch.capture.synth.SyntheticPcapWriter;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import io.agentwatch.capture.testing.SensorRun;
import io.agentwatch.schema.FlowRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restarted sensor continues its record numbering, so downstream sees neither gap nor duplicate. */
class SensorSequenceTest {

  @TempDir Path dir;

  private Path twoFlows() throws Exception {
    Path capture = dir.resolve("two-flows.pcap");
    Instant start = Instant.parse("2025-06-01T09:00:00Z");
    try (SyntheticPcapWriter writer = SyntheticPcapWriter.create(capture)) {
      writer.writeInTimeOrder(List.of(
          TcpSessionBuilder.between("10.1.2.3", 50000, "160.79.104.10", 443).startingAt(start).build(),
          TcpSessionBuilder.between("10.1.2.4", 50001, "160.79.104.10", 443).startingAt(start.plusSeconds(1)).build()));
    }
    return capture;
  }

  @Test
  void recordsAreNumberedAfterTheLastSequenceOfThePreviousRun() throws Exception {
    Path capture = twoFlows();

    SensorRun first = SensorRun.of(capture, SensorConfig.defaults("s1"));
    SensorRun restarted = SensorRun.of(capture, SensorConfig.defaults("s1").withLastSequence(2));

    assertEquals(List.of(1L, 2L), first.records.stream().map(FlowRecord::getSequence).toList());
    assertEquals(List.of(3L, 4L), restarted.records.stream().map(FlowRecord::getSequence).toList());
    assertEquals(2, restarted.stats.recordsExported());
  }

  @Test
  void theSensorTellsTheLastSequenceItUsedForTheNextRun() throws Exception {
    Sensor sensor = new Sensor(SensorConfig.defaults("s1").withLastSequence(41), new InMemoryFlowSink());
    assertEquals(41, sensor.lastSequence());
    try (DirectFileSource source = DirectFileSource.open(twoFlows())) {
      sensor.run(source);
    }
    assertEquals(43, sensor.lastSequence());
  }

  @Test
  void aNegativeLastSequenceIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> SensorConfig.defaults("s1").withLastSequence(-1).validate());
    assertEquals("sensor: lastSequence must not be negative, was -1", e.getMessage());
  }
}
