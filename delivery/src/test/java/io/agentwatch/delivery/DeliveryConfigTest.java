package io.agentwatch.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.config.ConfigException;
import io.agentwatch.config.Settings;
import io.agentwatch.delivery.alert.Severity;
import io.agentwatch.delivery.receiver.ReceiverConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryConfigTest {

  @TempDir Path dir;

  @Test
  void receiversAndRoutesAreReadFromYamlAndSecretsFromTheEnvironment() throws Exception {
    DeliveryConfig config = load("""
        delivery:
          receivers:
            soc:
              type: webhook
              url: https://soc.example.org/hooks/agentwatch
              secret-env: SOC_SECRET
              min-severity: high
              teams: [ml, data]
            siem:
              type: syslog
              address: siem.example.org:6514
              transport: tls
              format: cef
          max-attempts: 5
        """, Map.of("SOC_SECRET", "s3cret"));
    ReceiverConfig soc = config.receiver("soc");
    assertEquals(Severity.HIGH, soc.route().minSeverity());
    assertEquals(Set.of("ml", "data"), soc.route().teams());
    assertEquals("s3cret", new String(soc.secret()));
    assertTrue(!soc.toString().contains("s3cret"), "never the secret in messages: " + soc);
    assertEquals(ReceiverConfig.Transport.TLS, config.receiver("siem").transport());
    assertEquals(6514, config.receiver("siem").port());
    assertEquals(5, config.maxAttempts());
  }

  @Test
  void mistakesNameTheKeyAndWhatIsWrong() throws Exception {
    ConfigException e = assertThrows(ConfigException.class, () -> load("""
        delivery:
          receivers:
            soc:
              type: webhok
              url: https://soc.example.org/
        """, Map.of()));
    assertTrue(e.getMessage().contains("delivery.receivers.soc.type: 'webhok' is not a receiver type"), e.getMessage());
    ConfigException missing = assertThrows(ConfigException.class, () -> load("""
        delivery:
          receivers:
            splunk:
              type: splunk-hec
              url: https://splunk.example.org:8088
        """, Map.of()));
    assertTrue(missing.getMessage().contains("delivery.receivers.splunk.token-file: missing"), missing.getMessage());
  }

  @Test
  void backOffDoublesUpToItsCapWithJitter() {
    DeliveryConfig config = DeliveryConfig.DEFAULTS;
    assertEquals(Duration.ofSeconds(1), config.backoff(1, 1));
    assertEquals(Duration.ofMillis(500), config.backoff(1, 0));
    assertEquals(Duration.ofSeconds(8), config.backoff(4, 1));
    assertEquals(Duration.ofMinutes(1), config.backoff(30, 1));
  }

  private DeliveryConfig load(String yaml, Map<String, String> environment) throws Exception {
    Path file = Files.writeString(dir.resolve("delivery.yaml"), yaml);
    Settings settings = Settings.load(DeliveryConfig.SETTINGS, file, environment, Map.of());
    DeliveryConfig config = DeliveryConfig.from(settings, environment);
    settings.throwIfProblems();
    return config;
  }
}
