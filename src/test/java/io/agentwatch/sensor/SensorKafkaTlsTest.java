package io.agentwatch.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.service.KafkaRejectedException;
import io.agentwatch.capture.service.SensorService;
import io.agentwatch.cli.AgentWatch;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.KafkaBroker;
import io.agentwatch.testing.CapturedLogs;
import io.agentwatch.testing.TestCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A real broker with an {@code SSL} listener whose certificate (for 127.0.0.1) is signed by a test
 * CA: the sensor, trusting that CA and keeping hostname verification on, delivers every record;
 * when the broker requires a client certificate (mTLS) the sensor without one is turned away at
 * start with a clear error, and with its PEM key (encrypted, the password read from a file) it
 * delivers every record. No key password and no line of a private key appears in any log line —
 * the sensor's, the Kafka clients' config dumps, the broker's — nor in the broker's data directory.
 */
class SensorKafkaTlsTest {

  private static final String TOPIC = "flows";
  private static final int RECORDS = 200;

  @TempDir Path dir;
  private TestCertificates certificates;
  private Path capture;

  @BeforeEach
  void makeCertificatesAndCapture() throws IOException {
    certificates = TestCertificates.create(dir.resolve("pki"));
    capture = SensorRig.knownCapture(dir, 2, 10);
  }

  @Test
  void overTlsTheSensorTrustingTheCaDeliversEveryRecord() throws Exception {
    try (CapturedLogs logs = new CapturedLogs();
        KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).withTls(certificates.broker(), false).start()) {
      broker.createTopic(TOPIC, 2);

      SensorStats stats;
      try (SensorService service = SensorRig.service(tls(broker, false))) {
        stats = service.run();
      }
      List<FlowRecord> records = SensorRig.consumeAll(broker.bootstrapServers(), TOPIC);
      assertEquals(RECORDS, stats.recordsExported());
      assertEquals(RECORDS, records.size(), "records delivered over TLS");

      String text = logs.text();
      assertTrue(text.contains("security.protocol = SSL"), "the Kafka client's config dump was not captured");
      assertTrue(text.contains("ssl.endpoint.identification.algorithm = https"), "hostname verification must stay on");
      assertNoSecrets(text, broker);
    }
  }

  @Test
  void withClientCertificatesRequiredTheSensorIsRejectedWithoutOneAndDeliversWithIt() throws Exception {
    try (CapturedLogs logs = new CapturedLogs();
        KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).withTls(certificates.broker(), true).start()) {
      broker.createTopic(TOPIC, 2);

      KafkaRejectedException rejected;
      try (SensorService service = SensorRig.service(tls(broker, false))) {
        rejected = assertThrows(KafkaRejectedException.class, service::run);
      }
      // TLS 1.3: the client has finished its handshake when the broker's bad_certificate alert
      // comes back, so Kafka reports "Failed to process post-handshake messages", an
      // SslAuthenticationException (an AuthenticationException, which the start-up probe turns down).
      assertTrue(rejected.getMessage().startsWith("Kafka at " + broker.sslBootstrapServers()
          + " rejected the sensor's credentials: "), rejected.getMessage());
      assertInstanceOf(SslAuthenticationException.class, rejected.getCause(), "cause of " + rejected);
      assertTrue(rejected.getMessage().contains("check kafka.ssl-truststore"), "TLS advice, not SASL advice: " + rejected.getMessage());
      assertTrue(causes(rejected).contains("Received fatal alert: bad_certificate"), causes(rejected));

      StringWriter err = new StringWriter();
      CommandLine cli = AgentWatch.commandLine();
      cli.setErr(new PrintWriter(err, true));
      List<String> args = new ArrayList<>(List.of("sensor"));
      tls(broker, false).forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
      int exit = cli.execute(args.toArray(new String[0]));
      assertEquals(2, exit, "exit code without a client certificate; stderr: " + err);
      assertTrue(err.toString().startsWith("sensor: Kafka at " + broker.sslBootstrapServers()
          + " rejected the sensor's credentials"), err.toString());

      SensorStats stats;
      try (SensorService service = SensorRig.service(tls(broker, true))) {
        stats = service.run();
      }
      List<FlowRecord> records = SensorRig.consumeAll(broker.bootstrapServers(), TOPIC);
      assertEquals(RECORDS, stats.recordsExported());
      // Exactly the second run's records: the two turned away delivered nothing.
      assertEquals(RECORDS, records.size(), "records delivered over mTLS");

      String text = logs.text() + err;
      assertTrue(text.contains("ssl.key.password = [hidden]"), "the Kafka client's config dump was not captured");
      assertNoSecrets(text, broker);
    }
  }

  /** The flags `agentwatch sensor` would get: trust the CA; with {@code clientCertificate} also show the sensor's own. */
  private Map<String, Object> tls(KafkaBroker broker, boolean clientCertificate) {
    Map<String, Object> flags = new HashMap<>();
    flags.put("capture.read", capture.toString());
    flags.put("kafka.bootstrap-servers", broker.sslBootstrapServers());
    flags.put("kafka.security-protocol", "SSL");
    flags.put("kafka.ssl-truststore", certificates.caCertificate().toString());
    if (clientCertificate) {
      flags.put("kafka.ssl-keystore", certificates.clientKeystore().toString());
      flags.put("kafka.ssl-keystore-password-file", certificates.clientKeyPasswordFile().toString());
    }
    flags.put("spool.directory", dir.resolve("spool-" + UUID.randomUUID()).toString());
    flags.put("metrics.listen", "off");
    flags.put("sensor.id", "tls-test");
    return flags;
  }

  private static String causes(Throwable e) {
    StringBuilder chain = new StringBuilder();
    for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      chain.append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage()).append('\n');
    }
    return chain.toString();
  }

  /** Neither key password nor any private key in the logs, and no password in the broker's data directory. */
  private void assertNoSecrets(String logs, KafkaBroker broker) throws IOException {
    List<String> passwords = List.of(certificates.serverKeyPassword(), certificates.clientKeyPassword());
    for (String password : passwords) {
      assertFalse(logs.contains(password), "a key password appears in the logs");
    }
    assertFalse(logs.contains("PRIVATE KEY"), "a PEM private key header appears in the logs");
    for (String line : certificates.privateKeyLines()) {
      assertFalse(logs.contains(line), "a line of a private key appears in the logs");
    }
    try (Stream<Path> files = Files.walk(dir.resolve("kafka"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        for (String password : passwords) {
          assertFalse(content.contains(password), "a key password is in " + file);
        }
      }
    }
  }
}
