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
 * Where the stack serves its embedded store over ClickHouse's HTTP interface, who may read, and
 * who may write.
 *
 * @param host address to bind
 * @param port port to bind (0: any free one)
 * @param user the one user name accepted for reading
 * @param password its password, or null for none (allowed on loopback only)
 * @param writerUser the user name that may also write (DDL and inserts), or null for none
 * @param writerPassword its password (required with a writer; loopback only: the interface has no
 *     TLS, so the password and the rows would cross the network in clear text)
 */
public record ClickHouseHttpConfig(String host, int port, String user, String password, String writerUser,
    String writerPassword) {

  public static final String LISTEN = "store.http-listen";
  public static final String USER = "store.http-user";
  public static final String PASSWORD_FILE = "store.http-password-file";
  public static final String WRITER_USER = "store.http-writer-user";
  public static final String WRITER_PASSWORD_FILE = "store.http-writer-password-file";

  public static final String DEFAULT_WRITER_USER = "agentwatch-writer";

  public static final List<Setting> SETTINGS = List.of(
      Setting.value(LISTEN, "HOST:PORT", "127.0.0.1:8123",
          "the store's ClickHouse HTTP interface, read-only unless a writer is set, for Grafana and JDBC tools (up; 'off' for none)"),
      Setting.value(USER, "USER", "default", "the user name it accepts"),
      Setting.value(PASSWORD_FILE, "FILE", null,
          "file whose first line is that user's password; required when " + LISTEN + " is not a loopback address"),
      Setting.value(WRITER_USER, "USER", DEFAULT_WRITER_USER,
          "the user that may also write through that interface (DDL and inserts: a job on a Flink cluster, another"
              + " up's --clickhouse), when " + WRITER_PASSWORD_FILE + " is set"),
      Setting.value(WRITER_PASSWORD_FILE, "FILE", null,
          "file whose first line is the writer's password; without it nobody writes. Loopback " + LISTEN
              + " only (the interface has no TLS: reach it from other hosts through a TLS proxy or tunnel)"));

  /** Without a writer: reads only, as before writers existed. */
  public ClickHouseHttpConfig(String host, int port, String user, String password) {
    this(host, port, user, password, null, null);
  }

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
    Password password = password(settings, PASSWORD_FILE);
    Password writerPassword = password(settings, WRITER_PASSWORD_FILE);
    if (password == null || writerPassword == null) {
      return null;
    }
    String writerUser = null;
    if (writerPassword.text() != null) {
      writerUser = settings.text(WRITER_USER);
      if (writerUser == null || writerUser.isBlank()) {
        settings.problem(WRITER_USER, "must name a user (" + WRITER_PASSWORD_FILE + " is set)");
        return null;
      }
      if (writerUser.equals(user)) {
        settings.problem(WRITER_USER, "'" + writerUser + "' is also " + USER + ": the writer needs a name of its own");
        return null;
      }
    }
    ClickHouseHttpConfig config = new ClickHouseHttpConfig(host, port, user, password.text(), writerUser, writerPassword.text());
    if (password.text() == null && !config.isLoopback()) {
      settings.problem(LISTEN, "'" + listen + "' is reachable from other hosts: set " + PASSWORD_FILE
          + " (anyone who reaches it could read every flow otherwise)");
      return null;
    }
    if (writerUser != null && !config.isLoopback()) {
      settings.problem(WRITER_PASSWORD_FILE, "a writer needs a loopback " + LISTEN + ", got '" + listen
          + "': the interface has no TLS, so the writer's password and rows would cross the network in clear text"
          + " (put a TLS proxy or tunnel in front of a loopback address)");
      return null;
    }
    return config;
  }

  /** The password in a file's first line; text null when the key is unset; null (a problem recorded) when unreadable. */
  private static Password password(Settings settings, String key) {
    Path file = settings.parse(key, Path::of);
    if (file == null) {
      return new Password(null);
    }
    String text;
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      text = lines.isEmpty() ? "" : lines.get(0).strip();
    } catch (IOException e) {
      settings.problem(key, "cannot read " + file + ": " + e.getMessage());
      return null;
    }
    if (text.isEmpty()) {
      settings.problem(key, file + " holds no password on its first line");
      return null;
    }
    return new Password(text);
  }

  private record Password(String text) {}

  /** Loopback only, no password: what tests and the one-machine default use. */
  public static ClickHouseHttpConfig loopback(int port) {
    return new ClickHouseHttpConfig("127.0.0.1", port, "default", null);
  }

  public ClickHouseHttpConfig withPassword(String user, String password) {
    return new ClickHouseHttpConfig(host, port, user, password, writerUser, writerPassword);
  }

  /** The same, with a user that may also write (DDL and inserts). */
  public ClickHouseHttpConfig withWriter(String writerUser, String writerPassword) {
    return new ClickHouseHttpConfig(host, port, user, password, writerUser, writerPassword);
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
    return host + ":" + port + " (user " + user + (password == null ? ", no password" : ", password")
        + (writerUser == null ? "" : "; writer " + writerUser) + ")";
  }
}
