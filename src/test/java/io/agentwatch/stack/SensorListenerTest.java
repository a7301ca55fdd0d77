package io.agentwatch.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `up` accepts as a listener for remote sensors, and what it refuses before starting anything. */
class SensorListenerTest {

  @TempDir Path dir;

  @Test
  void offLoopbackTheListenerNeedsTls() throws Exception {
    ConfigException refused = assertThrows(ConfigException.class, () -> load(Map.of("kafka.sensors-listen", "10.0.0.5:9093")));
    assertTrue(refused.getMessage().contains("kafka.sensors-listen")
        && refused.getMessage().contains("10.0.0.5 is not a loopback address: set kafka.sensors-tls-keystore"), refused.getMessage());

    Path keystore = Files.writeString(dir.resolve("listener.pem"), "-----BEGIN PRIVATE KEY-----\n");
    SensorListener listener = load(Map.of("kafka.sensors-listen", "10.0.0.5:9093", "kafka.sensors-tls-keystore", keystore.toString()));
    assertEquals("SASL_SSL", listener.securityProtocol());
    assertEquals("10.0.0.5:9093 (SCRAM over SASL_SSL, users laptop)", listener.toString());

    assertEquals("SASL_PLAINTEXT", load(Map.of("kafka.sensors-listen", "127.0.0.1:9093")).securityProtocol());
  }

  @Test
  void aKeystoreThatIsNotPemIsNamedWithWhatToGive() throws Exception {
    Path pkcs12 = Files.writeString(dir.resolve("listener.p12"), "binary");
    ConfigException refused = assertThrows(ConfigException.class,
        () -> load(Map.of("kafka.sensors-listen", "10.0.0.5:9093", "kafka.sensors-tls-keystore", pkcs12.toString())));
    assertTrue(refused.getMessage().contains("kafka.sensors-tls-keystore") && refused.getMessage().contains("is not PEM"),
        refused.getMessage());
  }

  private SensorListener load(Map<String, String> given) throws Exception {
    Map<String, String> flags = new HashMap<>(given);
    flags.put("kafka.sensors-users-file", Files.writeString(dir.resolve("users"), "laptop:secret\n").toString());
    return OneMachineStack.Config.load(dir.resolve("kafka"), dir.resolve("clickhouse"), false, flags, null, Map.of())
        .sensorListener();
  }
}
