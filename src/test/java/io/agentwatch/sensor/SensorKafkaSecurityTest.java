package io.agentwatch.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.export.KafkaExportConfig;
import io.agentwatch.capture.export.SpoolingKafkaExporter;
import io.agentwatch.capture.service.KafkaRejectedException;
import io.agentwatch.capture.service.SensorService;
import io.agentwatch.capture.spool.DiskSpool;
import io.agentwatch.cli.AgentWatch;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.KafkaBroker;
import io.agentwatch.testing.CapturedLogs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A real broker that requires SASL/SCRAM: the sensor gets in with the right password (read from a
 * file, as the docs tell operators), is turned away with a clear error with a wrong one, and the
 * password shows up in no log line — the sensor's, the Kafka clients' or the broker's. A login
 * refused while delivering (not at start) stops the sender at once instead of retrying for ever.
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

  @Test
  void aRefusedLoginStopsDeliveryAtOnceNamingTheUserAndListenerAndKeepsTheRecordsInTheSpool() throws Exception {
    String password = "pw-" + UUID.randomUUID();
    Path spoolDir = dir.resolve("spool-refused");
    // A long flush timeout and a short back-off: a sender that retried would be seen retrying.
    SpoolingKafkaExporter.Settings settings =
        new SpoolingKafkaExporter.Settings(1_000, Duration.ofSeconds(60), Duration.ofMillis(200), Duration.ofMillis(500));
    try (KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).withScramUser("sensor", password).start()) {
      broker.createTopic(TOPIC, 2);
      CompletableFuture<String> refused = new CompletableFuture<>();
      // The exporter alone, without the sensor's probe at start: the sender itself must give up.
      try (SpoolingKafkaExporter exporter = new SpoolingKafkaExporter(exporterConfig(broker, "wrong-" + UUID.randomUUID()),
          DiskSpool.open(spoolDir, 1 << 20, 64 << 10), settings, refused::complete)) {
        for (long sequence = 1; sequence <= 10; sequence++) {
          exporter.accept(ResentMarkTest.record(sequence));
        }
        String reason = refused.get(30, TimeUnit.SECONDS);
        assertTrue(reason.startsWith("Kafka at " + broker.saslBootstrapServers() + " rejected the sensor's credentials"
            + " (user 'sensor', SCRAM-SHA-256 over SASL_PLAINTEXT)"), reason);
        assertTrue(reason.contains("Retrying cannot help"), reason);
        long started = System.nanoTime();
        exporter.flush();
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "flush waited for a sender that gave up");
        assertEquals(1, exporter.stats().producerErrors(), "one refusal, no retries");
        assertEquals(10, exporter.stats().spool().pending(), "the records stay in the spool");
      }
      // The next start, with the right password, delivers them.
      try (SpoolingKafkaExporter exporter = new SpoolingKafkaExporter(exporterConfig(broker, password),
          DiskSpool.open(spoolDir, 1 << 20, 64 << 10), settings)) {
        exporter.flush();
      }
      assertEquals(10, SensorRig.consumeAll(broker.bootstrapServers(), TOPIC).size());
    }
  }

  private static KafkaExportConfig exporterConfig(KafkaBroker broker, String password) {
    return new KafkaExportConfig(broker.saslBootstrapServers(), TOPIC, Map.of(
        "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-256",
        "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"sensor\""
            + " password=\"" + password + "\";"));
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
