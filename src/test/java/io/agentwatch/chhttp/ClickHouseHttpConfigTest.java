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

  @Test
  void aWriterNeedsItsPasswordFileANameOfItsOwnAndALoopbackAddress() throws Exception {
    assertNull(load(Map.of()).writerUser(), "no writer unless its password file is set");

    Path password = dir.resolve("writer");
    Files.writeString(password, "w-s3cret\n");
    ClickHouseHttpConfig config = load(Map.of(ClickHouseHttpConfig.WRITER_PASSWORD_FILE, password.toString()));
    assertEquals(ClickHouseHttpConfig.DEFAULT_WRITER_USER, config.writerUser());
    assertEquals("w-s3cret", config.writerPassword());
    assertTrue(!config.toString().contains("w-s3cret"), config.toString());

    ConfigException sameName = assertThrows(ConfigException.class, () -> load(Map.of(
        ClickHouseHttpConfig.WRITER_PASSWORD_FILE, password.toString(), ClickHouseHttpConfig.WRITER_USER, "default")));
    assertTrue(sameName.getMessage().contains(ClickHouseHttpConfig.WRITER_USER), sameName.getMessage());

    Path readerPassword = dir.resolve("reader");
    Files.writeString(readerPassword, "r-s3cret\n");
    ConfigException offLoopback = assertThrows(ConfigException.class, () -> load(Map.of(
        ClickHouseHttpConfig.LISTEN, "0.0.0.0:8123", ClickHouseHttpConfig.PASSWORD_FILE, readerPassword.toString(),
        ClickHouseHttpConfig.WRITER_PASSWORD_FILE, password.toString())));
    assertTrue(offLoopback.getMessage().contains(ClickHouseHttpConfig.WRITER_PASSWORD_FILE)
        && offLoopback.getMessage().contains("no TLS"), offLoopback.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClickHouseHttpServer.start(
        new ClickHouseHttpConfig("0.0.0.0", 0, "default", "r-s3cret").withWriter("writer", "w-s3cret"), null));

    ConfigException missing = assertThrows(ConfigException.class,
        () -> load(Map.of(ClickHouseHttpConfig.WRITER_PASSWORD_FILE, dir.resolve("nope").toString())));
    assertTrue(missing.getMessage().contains(ClickHouseHttpConfig.WRITER_PASSWORD_FILE), missing.getMessage());
  }
}
