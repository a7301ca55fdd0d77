package io.agentwatch.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `agentwatch sensor` as its own process, stopped with SIGTERM (what systemd sends): it must export
 * the flows still open and deliver them before it exits, numbered without a gap.
 */
class SensorShutdownTest {

  @TempDir Path dir;

  @Test
  void sigtermExportsTheOpenFlowsAndDeliversEverythingBeforeExit() throws Exception {
    Path capture = SensorRig.knownCapture(dir, 60, 25, true);
    try (KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).start()) {
      broker.createTopic("flows", 2);
      Path log = dir.resolve("sensor.log");
      Process sensor = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "io.agentwatch.cli.AgentWatch", "sensor",
          "--read", capture.toString(), "--replay-speed", "recorded", "--bootstrap-servers", broker.bootstrapServers(),
          "--sensor-id", "sigterm-test", "--spool-dir", dir.resolve("spool").toString(), "--metrics-listen", "off")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      Thread.sleep(8_000);
      assertTrue(sensor.isAlive(), "the sensor ended early:\n" + Files.readString(log));
      sensor.destroy(); // SIGTERM
      assertTrue(sensor.waitFor(60, TimeUnit.SECONDS), "the sensor did not stop within 60 s of SIGTERM");
      String output = Files.readString(log);
      assertEquals(143, sensor.exitValue(), "exit status after SIGTERM:\n" + output);
      assertTrue(output.contains("stopping: exporting open flows"), output);

      List<FlowRecord> records = SensorRig.consumeAll(broker.bootstrapServers(), "flows");
      assertTrue(records.size() > 100, "too few records before the stop: " + records.size());
      assertTrue(records.size() < 2400, "the replay was not stopped: " + records.size());
      assertEquals(records.size(), records.stream().mapToLong(FlowRecord::getSequence).max().orElse(0),
          "sequence numbers 1..N with a gap or a duplicate");
      assertEquals(records.size(), records.stream().map(FlowRecord::getSequence).distinct().count());
      assertTrue(records.stream().anyMatch(r -> r.getSrcPort() == 39_999 && r.getEndReason() == EndReason.END_OF_CAPTURE),
          "the long upload, open at the stop, was not exported");
    }
  }
}
