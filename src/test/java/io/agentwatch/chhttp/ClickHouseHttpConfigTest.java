package io.agentwatch.chhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.config.ConfigException;
import io.agentwatch.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClickHouseHttpConfigTest {

  @TempDir Path dir;

  private static ClickHouseHttpConfig load(Map<String, Object> given) {
    Settings settings = Settings.load(ClickHouseHttpConfig.SETTINGS, null, Map.of(), given);
    ClickHouseHttpConfig config = ClickHouseHttpConfig.from(settings);
    settings.throwIfProblems();
    return config;
  }

  @Test
  void loopbackWithoutPasswordByDefault() {
    ClickHouseHttpConfig config = load(Map.of());
    assertEquals("127.0.0.1", config.host());
    assertEquals(8123, config.port());
    assertNull(config.password());
    assertNull(load(Map.of(ClickHouseHttpConfig.LISTEN, "off")));
  }

  @Test
  void anAddressOtherHostsReachNeedsAPasswordFile() throws Exception {
    ConfigException refused = assertThrows(ConfigException.class, () -> load(Map.of(ClickHouseHttpConfig.LISTEN, "0.0.0.0:8123")));
    assertTrue(refused.getMessage().contains(ClickHouseHttpConfig.PASSWORD_FILE), refused.getMessage());

    Path password = dir.resolve("password");
    Files.writeString(password, "s3cret\n");
    ClickHouseHttpConfig config = load(Map.of(ClickHouseHttpConfig.LISTEN, "0.0.0.0:8123",
        ClickHouseHttpConfig.USER, "grafana", ClickHouseHttpConfig.PASSWORD_FILE, password.toString()));
    assertEquals("s3cret", config.password());
    assertTrue(!config.toString().contains("s3cret"), config.toString());
    assertThrows(IllegalArgumentException.class,
        () -> ClickHouseHttpServer.start(new ClickHouseHttpConfig("0.0.0.0", 0, "default", null), null));
  }
}
