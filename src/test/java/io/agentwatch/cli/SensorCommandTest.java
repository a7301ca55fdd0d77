package io.agentwatch.cli;

import static io.agentwatch.cli.FlowsCommandTest.agentwatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.config.Setting;
import io.agentwatch.capture.service.SensorServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `agentwatch sensor` as an operator meets it: help, a configuration check, mistakes. */
class SensorCommandTest {

  @TempDir Path dir;

  @Test
  void helpDocumentsEverySettingWithItsEnvironmentVariable() {
    FlowsCommandTest.Run run = agentwatch("sensor", "--help");
    assertEquals(0, run.exitCode());
    for (Setting setting : SensorServiceConfig.SETTINGS) {
      assertTrue(run.out().contains(setting.key()), "--help lacks " + setting.key());
      if (setting.kind() != Setting.Kind.MAP) {
        assertTrue(run.out().contains(setting.environmentVariable()), "--help lacks " + setting.environmentVariable());
      }
    }
  }

  @Test
  void printConfigShowsTheEffectiveSettingsWithSecretsHidden() throws Exception {
    Path password = Files.writeString(dir.resolve("pw"), "do-not-print-me");
    Path config = Files.writeString(dir.resolve("sensor.yaml"), """
        capture: {interfaces: [lo]}
        kafka:
          bootstrap-servers: "127.0.0.1:9092"
          security-protocol: SASL_PLAINTEXT
          sasl-username: sensor
          properties: {sasl.jaas.config: "also-secret"}
        """);
    FlowsCommandTest.Run run = agentwatch("sensor", "--config", config.toString(), "--set",
        "kafka.sasl-password-file=" + password, "--topic", "from-flag", "--print-config");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("kafka.topic = from-flag"), run.out());
    assertTrue(run.out().contains("capture.interfaces = lo"), run.out());
    assertTrue(run.out().contains("flows.tcp-idle-timeout = 1m  (default)"), run.out());
    assertTrue(run.out().contains("kafka.properties.sasl.jaas.config = [hidden]"), run.out());
    assertFalse(run.out().contains("do-not-print-me") || run.out().contains("also-secret"), run.out());
  }

  @Test
  void aBadConfigurationEndsWithExitCodeTwoAndNamesEveryProblem() throws Exception {
    Path config = Files.writeString(dir.resolve("sensor.yaml"), "capture: {interfaces: [lo], snaplen: huge}\nmetrics: {listen: nowhere}\n");
    FlowsCommandTest.Run run = agentwatch("sensor", "--config", config.toString());
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("capture.snaplen: 'huge' is not a whole number (from " + config + ")"), run.err());
    assertTrue(run.err().contains("metrics.listen: 'nowhere' is not host:port"), run.err());
    assertTrue(run.err().contains("kafka.bootstrap-servers: missing"), run.err());
    assertFalse(run.err().contains("Exception"), run.err());
  }

  @Test
  void aMissingConfigurationFileIsNamed() {
    FlowsCommandTest.Run run = agentwatch("sensor", "--config", dir.resolve("nope.yaml").toString(), "--interface", "lo");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("configuration file " + dir.resolve("nope.yaml") + " does not exist"), run.err());
  }

  @Test
  void anUnusableSpoolDirectoryIsNamedWithExitCodeTwo() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("a-file"), "x");
    FlowsCommandTest.Run run = agentwatch("sensor", "--read", FlowsCommandTest.CORPUS.resolve("flowtest/pcap/tls12.pcap").toString(),
        "--bootstrap-servers", "127.0.0.1:1", "--metrics-listen", "off", "--spool-dir", notADirectory.resolve("spool").toString());
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().startsWith("sensor: spool.directory: " + notADirectory.resolve("spool") + " cannot be used ("), run.err());
  }
}
