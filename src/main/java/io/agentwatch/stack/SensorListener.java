package io.agentwatch.stack;

import io.agentwatch.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stack broker's listener for sensors on other hosts: SASL_PLAINTEXT with SCRAM (the
 * sensor's {@code kafka.security-protocol: SASL_PLAINTEXT}, {@code kafka.sasl-mechanism:
 * SCRAM-SHA-512}), bound to an address they reach. The users come from a file, one
 * {@code user:password} a line, readable by the stack's user only.
 */
public record SensorListener(String host, int port, Map<String, String> users) {

  /** From {@code kafka.sensors-listen} and {@code kafka.sensors-users-file}; null when not set. Problems go to {@code settings}. */
  static SensorListener from(Settings settings) {
    String listen = settings.text("kafka.sensors-listen");
    Path usersFile = settings.parse("kafka.sensors-users-file", Path::of);
    if (listen == null || listen.isBlank()) {
      if (usersFile != null) {
        settings.problem("kafka.sensors-users-file", "is set, but kafka.sensors-listen is not: no listener would use it");
      }
      return null;
    }
    int colon = listen.lastIndexOf(':');
    int port = -1;
    try {
      port = colon > 0 ? Integer.parseInt(listen.substring(colon + 1)) : -1;
    } catch (NumberFormatException e) {
      // reported below
    }
    String host = colon > 0 ? listen.substring(0, colon).replaceAll("^\\[|]$", "") : "";
    if (port < 1 || port > 65535 || host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
      settings.problem("kafka.sensors-listen", "'" + listen + "' is not HOST:PORT with an address the sensors reach (e.g. 10.0.0.5:9093)");
      return null;
    }
    if (usersFile == null) {
      settings.problem("kafka.sensors-listen", "needs kafka.sensors-users-file: a listener for other hosts takes only known sensors");
      return null;
    }
    Map<String, String> users = new LinkedHashMap<>();
    try {
      List<String> lines = Files.readAllLines(usersFile, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int separator = line.indexOf(':');
        if (separator < 1 || separator == line.length() - 1) {
          settings.problem("kafka.sensors-users-file", usersFile + ":" + (i + 1) + ": expected user:password");
          return null;
        }
        users.put(line.substring(0, separator), line.substring(separator + 1));
      }
    } catch (IOException e) {
      settings.problem("kafka.sensors-users-file", "cannot read " + usersFile + ": " + e.getMessage());
      return null;
    }
    if (users.isEmpty()) {
      settings.problem("kafka.sensors-users-file", usersFile + " names no user");
      return null;
    }
    return new SensorListener(host, port, Map.copyOf(users));
  }

  void applyTo(KafkaBroker broker) {
    users.forEach(broker::withScramUser);
    broker.withSaslAddress(host, port);
  }

  /** Never the passwords. */
  @Override
  public String toString() {
    return host + ":" + port + " (SCRAM, users " + String.join(", ", users.keySet()) + ")";
  }
}
