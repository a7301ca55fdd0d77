package io.agentwatch.stack;

import io.agentwatch.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The stack broker's listener for sensors on other hosts: SCRAM over TLS (the sensor's
 * {@code kafka.security-protocol: SASL_SSL}, {@code kafka.sasl-mechanism: SCRAM-SHA-512},
 * {@code kafka.ssl-truststore} with the CA that signed the listener's certificate), bound to an
 * address they reach. On a loopback address TLS is optional (SASL_PLAINTEXT); elsewhere it is
 * required, since flow metadata would otherwise cross the network in clear text. The users come
 * from a file, one {@code user:password} a line, readable by the stack's user only.
 *
 * @param tls the listener's certificate chain and key; null for SASL_PLAINTEXT
 */
public record SensorListener(String host, int port, Map<String, String> users, KafkaBroker.TlsFiles tls) {

  /**
   * From {@code kafka.sensors-listen}, {@code kafka.sensors-users-file} and
   * {@code kafka.sensors-tls-*}; null when not set. Problems go to {@code settings}.
   */
  static SensorListener from(Settings settings) {
    String listen = settings.text("kafka.sensors-listen");
    Path usersFile = settings.parse("kafka.sensors-users-file", Path::of);
    Path keystore = settings.parse("kafka.sensors-tls-keystore", Path::of);
    Path keyPasswordFile = settings.parse("kafka.sensors-tls-key-password-file", Path::of);
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
    KafkaBroker.TlsFiles tls = null;
    if (keystore != null) {
      String name = keystore.getFileName().toString().toLowerCase(Locale.ROOT);
      if (!Files.isReadable(keystore)) {
        settings.problem("kafka.sensors-tls-keystore", keystore + " is not a readable file");
        return null;
      }
      if (!name.endsWith(".pem") && !name.endsWith(".crt")) {
        settings.problem("kafka.sensors-tls-keystore", keystore + " is not PEM (.pem or .crt): give the PKCS#8 key"
            + " followed by the certificate chain (openssl pkcs8 -topk8 ... ; cat key.pem chain.pem)");
        return null;
      }
      String keyPassword = null;
      if (keyPasswordFile != null) {
        try {
          keyPassword = Files.readString(keyPasswordFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          settings.problem("kafka.sensors-tls-key-password-file", "cannot read " + keyPasswordFile + ": " + e.getMessage());
          return null;
        }
      }
      tls = new KafkaBroker.TlsFiles(keystore, keyPassword, null);
    } else if (keyPasswordFile != null) {
      settings.problem("kafka.sensors-tls-key-password-file", "is set, but kafka.sensors-tls-keystore is not");
      return null;
    } else if (!isLoopback(host)) {
      settings.problem("kafka.sensors-listen", host + " is not a loopback address: set kafka.sensors-tls-keystore"
          + " (PEM key and certificate chain), or flow records would cross the network in clear text");
      return null;
    }
    return new SensorListener(host, port, Map.copyOf(users), tls);
  }

  /** The protocol sensors set as {@code kafka.security-protocol}. */
  public String securityProtocol() {
    return tls == null ? "SASL_PLAINTEXT" : "SASL_SSL";
  }

  void applyTo(KafkaBroker broker) {
    users.forEach(broker::withScramUser);
    broker.withSaslAddress(host, port);
    if (tls != null) {
      broker.withSaslTls(tls);
    }
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  /** Never the passwords. */
  @Override
  public String toString() {
    return host + ":" + port + " (SCRAM over " + securityProtocol() + ", users " + String.join(", ", users.keySet()) + ")";
  }
}
