package io.agentwatch.capture.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.config.ConfigException;
import io.agentwatch.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SensorServiceConfigTest {

  @TempDir Path dir;

  private final Map<String, String> environment = new HashMap<>();
  private final Map<String, Object> flags = new HashMap<>();

  @Test
  void fileEnvironmentAndFlagsAreLayeredWithFlagsStrongest() throws Exception {
    Path file = yaml("""
        capture: {interfaces: [eth0, eth1]}
        kafka: {bootstrap-servers: "k1:9092", topic: from-file}
        flows: {active-timeout: 2m}
        spool: {max-size: 10MiB}
        """);
    environment.put("AGENTWATCH_KAFKA_TOPIC", "from-env");
    environment.put("AGENTWATCH_FLOWS_ACTIVE_TIMEOUT", "3m");
    flags.put("flows.active-timeout", "4m");
    SensorServiceConfig config = load(file);
    assertEquals(List.of("eth0", "eth1"), config.live().interfaces());
    assertTrue(config.warmUp(), "a live sensor warms up by default");
    assertEquals("from-env", config.kafka().topic());
    assertEquals(Duration.ofMinutes(4), config.flows().activeTimeout());
    assertEquals(10L << 20, config.spoolMaxBytes());
    assertEquals("zstd", config.kafka().clientProperties().get("compression.type"));
  }

  @Test
  void everyProblemIsReportedAtOnceNamingKeySourceAndReason() throws Exception {
    Path file = yaml("""
        capture: {interfaces: [eth0], warm-up: maybe}
        kafka: {bootstrap-server: "k1:9092"}
        flows: {tcp-idle-timeout: soon}
        hosts: {mode: network, inventory: /nonexistent/inventory.csv}
        """);
    environment.put("AGENTWATCH_SPOOL_MAX_SIZE", "lots");
    ConfigException error = assertThrows(ConfigException.class, () -> load(file));
    String message = error.getMessage();
    assertTrue(message.contains("unknown key 'kafka.bootstrap-server' (in " + file + "); did you mean 'kafka.bootstrap-servers'?"), message);
    assertTrue(message.contains("flows.tcp-idle-timeout: 'soon' is not a duration"), message);
    assertTrue(message.contains("(from " + file + ")"), message);
    assertTrue(message.contains("hosts.inventory: /nonexistent/inventory.csv does not exist"), message);
    assertTrue(message.contains("spool.max-size: 'lots' is not a size"), message);
    assertTrue(message.contains("(from environment variable AGENTWATCH_SPOOL_MAX_SIZE)"), message);
    assertTrue(message.contains("kafka.bootstrap-servers: missing"), message);
    assertTrue(message.contains("capture.warm-up: 'maybe' is not"), message);
    assertEquals(6, error.problems().size(), message);
  }

  @Test
  void secretsAreRefusedInTheFileAndOnTheCommandLine() throws Exception {
    Path file = yaml("""
        capture: {interfaces: [eth0]}
        kafka: {bootstrap-servers: "k1:9092", security-protocol: SASL_SSL, sasl-username: u, sasl-password: hunter2}
        """);
    ConfigException error = assertThrows(ConfigException.class, () -> load(file));
    assertTrue(error.getMessage().contains("kafka.sasl-password: secrets are not read from the configuration file; "
        + "set environment variable AGENTWATCH_KAFKA_SASL_PASSWORD or name a file with kafka.sasl-password-file"), error.getMessage());
    assertFalse(error.getMessage().contains("hunter2"));
  }

  @Test
  void saslPasswordFromAFileBecomesAQuotedJaasConfig() throws Exception {
    Path password = Files.writeString(dir.resolve("password"), "p\"w\\d\n");
    flags.putAll(Map.of("capture.interfaces", "lo", "kafka.bootstrap-servers", "k1:9093",
        "kafka.security-protocol", "sasl_ssl", "kafka.sasl-mechanism", "SCRAM-SHA-256", "kafka.sasl-username", "sensor",
        "kafka.sasl-password-file", password.toString(), "kafka.ssl-truststore", Files.writeString(dir.resolve("ca.pem"), "x").toString()));
    Map<String, String> client = load(null).kafka().clientProperties();
    assertEquals("SASL_SSL", client.get("security.protocol"));
    assertEquals("SCRAM-SHA-256", client.get("sasl.mechanism"));
    assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"sensor\" password=\"p\\\"w\\\\d\";",
        client.get("sasl.jaas.config"));
    assertEquals("PEM", client.get("ssl.truststore.type"));
  }

  @Test
  void aPasswordInBothEnvironmentAndFileIsAnErrorAndAMissingOneIsNamed() throws Exception {
    flags.putAll(Map.of("capture.interfaces", "lo", "kafka.bootstrap-servers", "k1:9093",
        "kafka.security-protocol", "SASL_PLAINTEXT", "kafka.sasl-username", "sensor"));
    ConfigException missing = assertThrows(ConfigException.class, () -> load(null));
    assertTrue(missing.getMessage().contains("kafka.sasl-password: missing; set environment variable AGENTWATCH_KAFKA_SASL_PASSWORD"),
        missing.getMessage());
    environment.put("AGENTWATCH_KAFKA_SASL_PASSWORD", "from-env");
    flags.put("kafka.sasl-password-file", Files.writeString(dir.resolve("pw"), "from-file").toString());
    ConfigException both = assertThrows(ConfigException.class, () -> load(null));
    assertTrue(both.getMessage().contains("use one of them"), both.getMessage());
  }

  @Test
  void describeHidesSecretsAndSecretLookingProperties() throws Exception {
    Path file = yaml("""
        capture: {interfaces: [eth0]}
        kafka:
          bootstrap-servers: "k1:9092"
          properties: {ssl.keystore.password: topsecret, linger.ms: 50}
        """);
    environment.put("AGENTWATCH_KAFKA_SASL_PASSWORD", "envsecret");
    Settings settings = Settings.load(SensorServiceConfig.SETTINGS, file, environment, flags);
    Map<String, String> lines = SensorServiceConfig.from(settings, environment).describe(settings);
    assertFalse(lines.get("sensor.id").contains("the host name"), "the resolved host name, not the help text: " + lines);
    assertEquals("[hidden]", lines.get("kafka.properties.ssl.keystore.password"));
    assertEquals("50", lines.get("kafka.properties.linger.ms"));
    assertTrue(lines.get("kafka.sasl-password").startsWith("[hidden]"));
    assertFalse(lines.toString().contains("topsecret") || lines.toString().contains("envsecret"));
  }

  @Test
  void exactlyOneOfInterfacesAndFileAndDefaultsForTheRest() throws Exception {
    flags.put("kafka.bootstrap-servers", "k1:9092");
    ConfigException neither = assertThrows(ConfigException.class, () -> load(null));
    assertTrue(neither.getMessage().contains("capture.interfaces: name the interfaces to capture on"), neither.getMessage());
    Path capture = Files.write(dir.resolve("c.pcap"), new byte[24]);
    flags.put("capture.read", capture.toString());
    environment.put("STATE_DIRECTORY", "/var/lib/agentwatch");
    SensorServiceConfig config = load(null);
    assertNull(config.live());
    assertEquals(Path.of("/var/lib/agentwatch/spool"), config.spoolDirectory());
    assertEquals("127.0.0.1", config.metricsAddress().getHostString());
    assertEquals(9464, config.metricsAddress().getPort());
    assertEquals(SensorServiceConfig.HostMode.ENDPOINT, config.hosts().mode());
  }

  @Test
  void theSampleConfigurationInDeployLoads() throws Exception {
    Path sample = Path.of(System.getProperty("agentwatch.repo", "..")).resolve("deploy/systemd/sensor.yaml");
    assertTrue(Files.exists(sample), "sample config not found at " + sample.toAbsolutePath());
    Settings settings = Settings.load(SensorServiceConfig.SETTINGS, sample, Map.of(), Map.of());
    // Only the truststore file (absent here) and the password (deliberately not in the file) may be missing.
    ConfigException error = assertThrows(ConfigException.class, () -> SensorServiceConfig.from(settings, Map.of()));
    assertEquals(2, error.problems().size(), error.getMessage());
    assertTrue(error.getMessage().contains("kafka.ssl-truststore: /etc/agentwatch/kafka-ca.pem does not exist"), error.getMessage());
    assertTrue(error.getMessage().contains("kafka.sasl-password: missing"), error.getMessage());
  }

  private SensorServiceConfig load(Path file) {
    return SensorServiceConfig.from(Settings.load(SensorServiceConfig.SETTINGS, file, environment, flags), environment);
  }

  private Path yaml(String text) throws Exception {
    return Files.writeString(dir.resolve("sensor.yaml"), text);
  }
}
