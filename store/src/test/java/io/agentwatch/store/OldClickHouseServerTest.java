package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimum server version against a real old server: Debian's clickhouse-server package is
 * ClickHouse 18.16.1. The test starts it as a subprocess with its own configuration in a temporary
 * directory, on free loopback ports, and skips itself when the package is not installed (.ci/run
 * installs it).
 */
class OldClickHouseServerTest {

  private static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/clickhouse-server"), Path.of("/usr/bin/clickhouse-server"));

  @TempDir Path dir;

  @Test
  void clickHouse18IsRefusedWithTheVersionItRunsAndTheOneNeeded() throws Exception {
    Path binary = Stream.concat(BINARIES.stream(),
            Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).filter(p -> !p.isEmpty())
                .map(p -> Path.of(p, "clickhouse-server")))
        .filter(Files::isExecutable).findFirst().orElse(null);
    assumeTrue(binary != null, "clickhouse-server is not installed (Debian package clickhouse-server, ClickHouse 18.16.1):"
        + " the minimum-version check is not tried against a real old server");

    int httpPort = freePort();
    int tcpPort = freePort();
    Files.writeString(dir.resolve("config.xml"), """
        <?xml version="1.0"?>
        <yandex>
          <logger><level>warning</level><log>%1$s/server.log</log><errorlog>%1$s/server.err.log</errorlog></logger>
          <http_port>%2$d</http_port>
          <tcp_port>%3$d</tcp_port>
          <listen_host>127.0.0.1</listen_host>
          <path>%1$s/data/</path>
          <tmp_path>%1$s/tmp/</tmp_path>
          <user_files_path>%1$s/user_files/</user_files_path>
          <format_schema_path>%1$s/format_schemas/</format_schema_path>
          <users_config>users.xml</users_config>
          <default_profile>default</default_profile>
          <default_database>default</default_database>
          <mark_cache_size>67108864</mark_cache_size>
        </yandex>
        """.formatted(dir, httpPort, tcpPort));
    Files.writeString(dir.resolve("users.xml"), """
        <?xml version="1.0"?>
        <yandex>
          <profiles><default></default></profiles>
          <users><default><password></password><networks><ip>127.0.0.1</ip></networks>
            <profile>default</profile><quota>default</quota></default></users>
          <quotas><default></default></quotas>
        </yandex>
        """);
    Process server = new ProcessBuilder(binary.toString(), "--config-file=" + dir.resolve("config.xml"))
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("stdout").toFile())
        .start();
    try {
      String url = "http://127.0.0.1:" + httpPort;
      String version = awaitVersion(url, server);
      assertTrue(version.startsWith("18."), "the Debian package's server answers " + version);

      StoreException refused = assertThrows(StoreException.class,
          () -> Stores.open(StoreConfig.remote(url, "default", "default", null)).close());
      assertFalse(refused.isRetriable(), refused.getMessage());
      assertEquals("ClickHouse at " + url + " is " + version + "; AgentWatch needs 24.8 or newer",
          refused.getMessage().substring(0, refused.getMessage().indexOf(" (")));
    } finally {
      server.destroy();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The server's answer to SELECT version() once its HTTP interface is up (18.16 takes a few seconds). */
  private String awaitVersion(String url, Process server) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new AssertionError("clickhouse-server exited with " + server.exitValue() + ": "
            + Files.readString(dir.resolve("stdout")) + readIfExists(dir.resolve("server.err.log")));
      }
      try {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url + "/?query=SELECT%20version()").toURL().openConnection();
        connection.setConnectTimeout(1000);
        connection.setReadTimeout(5000);
        if (connection.getResponseCode() == 200) {
          try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
          }
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("clickhouse-server did not answer on " + url + " within 60 s: "
        + readIfExists(dir.resolve("server.err.log")));
  }

  private static String readIfExists(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
