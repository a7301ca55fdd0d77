package io.agentwatch.chhttp;

import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import io.agentwatch.config.ValueParsers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the stack serves its embedded store over ClickHouse's HTTP interface, and who may read.
 *
 * @param host address to bind
 * @param port port to bind (0: any free one)
 * @param user the one user name accepted
 * @param password its password, or null for none (allowed on loopback only)
 */
public record ClickHouseHttpConfig(String host, int port, String user, String password) {

  public static final String LISTEN = "store.http-listen";
  public static final String USER = "store.http-user";
  public static final String PASSWORD_FILE = "store.http-password-file";

  public static final List<Setting> SETTINGS = List.of(
      Setting.value(LISTEN, "HOST:PORT", "127.0.0.1:8123",
          "the store's read-only ClickHouse HTTP interface, for Grafana and JDBC tools (up; 'off' for none)"),
      Setting.value(USER, "USER", "default", "the user name it accepts"),
      Setting.value(PASSWORD_FILE, "FILE", null,
          "file whose first line is that user's password; required when " + LISTEN + " is not a loopback address"));

  /** From the keys of {@link #SETTINGS}; null when switched off. Problems go to {@code settings}. */
  public static ClickHouseHttpConfig from(Settings settings) {
    String listen = settings.text(LISTEN);
    if (listen == null || listen.isBlank() || listen.equalsIgnoreCase("off")) {
      return null;
    }
    ValueParsers.HostPort address = settings.parse(LISTEN, ValueParsers::hostPort);
    if (address == null) {
      return null;
    }
    String host = address.host();
    int port = address.port();
    String user = settings.text(USER);
    if (user == null || user.isBlank()) {
      settings.problem(USER, "must name a user");
      return null;
    }
    Path passwordFile = settings.parse(PASSWORD_FILE, Path::of);
    String password = null;
    if (passwordFile != null) {
      try {
        List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
        password = lines.isEmpty() ? "" : lines.get(0).strip();
      } catch (IOException e) {
        settings.problem(PASSWORD_FILE, "cannot read " + passwordFile + ": " + e.getMessage());
        return null;
      }
      if (password.isEmpty()) {
        settings.problem(PASSWORD_FILE, passwordFile + " holds no password on its first line");
        return null;
      }
    }
    ClickHouseHttpConfig config = new ClickHouseHttpConfig(host, port, user, password);
    if (password == null && !config.isLoopback()) {
      settings.problem(LISTEN, "'" + listen + "' is reachable from other hosts: set " + PASSWORD_FILE
          + " (anyone who reaches it could read every flow otherwise)");
      return null;
    }
    return config;
  }

  /** Loopback only, no password: what tests and the one-machine default use. */
  public static ClickHouseHttpConfig loopback(int port) {
    return new ClickHouseHttpConfig("127.0.0.1", port, "default", null);
  }

  public ClickHouseHttpConfig withPassword(String user, String password) {
    return new ClickHouseHttpConfig(host, port, user, password);
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(host, port);
  }

  boolean isLoopback() {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Never the password. */
  @Override
  public String toString() {
    return host + ":" + port + " (user " + user + (password == null ? ", no password" : ", password") + ")";
  }
}
