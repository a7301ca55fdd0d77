package io.agentwatch.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.service.KafkaRejectedException;
import io.agentwatch.capture.service.SensorService;
import io.agentwatch.cli.AgentWatch;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.KafkaBroker;
import io.agentwatch.testing.CapturedLogs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A real broker that requires SASL/SCRAM: the sensor gets in with the right password (read from a
 * file, as the docs tell operators), is turned away with a clear error with a wrong one, and the
 * password shows up in no log line — the sensor's, the Kafka clients' or the broker's.
 */
class SensorKafkaSecurityTest {

  private static final String TOPIC = "flows";

  @TempDir Path dir;

  @Test
  void scramBrokerAcceptsTheRightPasswordRejectsAWrongOneAndNoLogShowsEither() throws Exception {
    String password = "pw-" + UUID.randomUUID();
    String wrongPassword = "wrong-" + UUID.randomUUID();
    Path capture = SensorRig.knownCapture(dir, 2, 10);
    Path passwordFile = Files.writeString(dir.resolve("kafka-password"), password + "\n");
    Path wrongPasswordFile = Files.writeString(dir.resolve("wrong-password"), wrongPassword);
    try (CapturedLogs logs = new CapturedLogs();
        KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).withScramUser("sensor", password).start()) {
      broker.createTopic(TOPIC, 2);

      SensorStats stats;
      try (SensorService service = SensorRig.service(scram(broker, capture, passwordFile, "SCRAM-SHA-256"))) {
        stats = service.run();
      }
      List<FlowRecord> records = SensorRig.consumeAll(broker.bootstrapServers(), TOPIC);
      assertEquals(200, stats.recordsExported());
      assertEquals(stats.recordsExported(), records.size(), "records delivered over SCRAM");

      KafkaRejectedException rejected;
      try (SensorService service = SensorRig.service(scram(broker, capture, wrongPasswordFile, "SCRAM-SHA-512"))) {
        rejected = assertThrows(KafkaRejectedException.class, service::run);
      }
      assertTrue(rejected.getMessage().contains("rejected the sensor's credentials"), rejected.getMessage());
      assertTrue(rejected.getMessage().contains("SCRAM-SHA-512"), rejected.getMessage());

      StringWriter err = new StringWriter();
      CommandLine cli = AgentWatch.commandLine();
      cli.setErr(new PrintWriter(err, true));
      List<String> args = new java.util.ArrayList<>(List.of("sensor"));
      scram(broker, capture, wrongPasswordFile, "SCRAM-SHA-256").forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
      int exit = cli.execute(args.toArray(new String[0]));
      assertEquals(2, exit, "exit code for rejected credentials; stderr: " + err);
      assertTrue(err.toString().startsWith("sensor: Kafka at " + broker.saslBootstrapServers() + " rejected the sensor's credentials"),
          err.toString());

      String everything = logs.text() + err;
      assertTrue(everything.contains("sasl.jaas.config = [hidden]"), "the Kafka client's config dump was not captured");
      assertFalse(everything.contains(password), "the password appears in the logs");
      assertFalse(everything.contains(wrongPassword), "the wrong password appears in the logs");
    }
  }

  private Map<String, Object> scram(KafkaBroker broker, Path capture, Path passwordFile, String mechanism) {
    Map<String, Object> flags = new HashMap<>();
    flags.put("capture.read", capture.toString());
    flags.put("kafka.bootstrap-servers", broker.saslBootstrapServers());
    flags.put("kafka.security-protocol", "SASL_PLAINTEXT");
    flags.put("kafka.sasl-mechanism", mechanism);
    flags.put("kafka.sasl-username", "sensor");
    flags.put("kafka.sasl-password-file", passwordFile.toString());
    flags.put("spool.directory", dir.resolve("spool-" + UUID.randomUUID()).toString());
    flags.put("metrics.listen", "off");
    flags.put("sensor.id", "scram-test");
    return flags;
  }
}
