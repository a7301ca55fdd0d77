package io.agentwatch.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a Kafka client of AgentWatch authenticates and encrypts: the {@code kafka.security-protocol},
 * {@code kafka.sasl-*} and {@code kafka.ssl-*} keys, the same for the sensor and for a stack on an
 * existing Kafka cluster ({@code up --kafka}), turned into Kafka client properties.
 */
public final class KafkaClientSecurity {

  public static final String PROTOCOL = "kafka.security-protocol";

  /** The keys, in the order --help lists them. */
  public static final List<Setting> SETTINGS = List.of(
      Setting.value(PROTOCOL, "PROTOCOL", "PLAINTEXT", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"),
      Setting.value("kafka.sasl-mechanism", "MECHANISM", "SCRAM-SHA-512", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"),
      Setting.value("kafka.sasl-username", "USER", null, "SASL user name"),
      Setting.secret("kafka.sasl-password", "SASL password, from the environment only"),
      Setting.value("kafka.sasl-password-file", "FILE", null, "file holding the SASL password"),
      Setting.value("kafka.ssl-truststore", "FILE", null, "CA certificates to trust: PEM (.pem/.crt) or PKCS12"),
      Setting.secret("kafka.ssl-truststore-password", "PKCS12 truststore password, from the environment only"),
      Setting.value("kafka.ssl-truststore-password-file", "FILE", null, "file holding the truststore password"),
      Setting.value("kafka.ssl-keystore", "FILE", null, "mTLS: this client's certificate and key, PEM or PKCS12"),
      Setting.secret("kafka.ssl-keystore-password", "keystore password, from the environment only"),
      Setting.value("kafka.ssl-keystore-password-file", "FILE", null, "file holding the keystore password"));

  private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  private static final Map<String, String> LOGIN_MODULES = Map.of(
      "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule",
      "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
      "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

  private KafkaClientSecurity() {}

  /**
   * Puts the client properties of the settings' security keys into {@code client}; every bad or
   * missing value becomes a problem in {@code settings}, naming its key.
   */
  public static void addTo(Settings settings, Map<String, String> client) {
    String protocol = settings.parse(PROTOCOL, text -> oneOf(PROTOCOLS, text.toUpperCase(Locale.ROOT)));
    if (protocol == null) {
      return;
    }
    client.put("security.protocol", protocol);
    if (protocol.startsWith("SASL_")) {
      sasl(settings, client);
    }
    if (protocol.endsWith("SSL")) {
      ssl(settings, client);
    }
  }

  private static void sasl(Settings settings, Map<String, String> client) {
    String mechanism = settings.parse("kafka.sasl-mechanism",
        text -> oneOf(LOGIN_MODULES.keySet(), text.toUpperCase(Locale.ROOT)));
    String user = settings.text("kafka.sasl-username");
    if (user == null) {
      settings.problem("kafka.sasl-username", "missing; SASL needs a user name");
    }
    String password = settings.secret("kafka.sasl-password");
    if (mechanism != null && user != null && password != null) {
      client.put("sasl.mechanism", mechanism);
      client.put("sasl.jaas.config", LOGIN_MODULES.get(mechanism) + " required username=\"" + jaasQuoted(user)
          + "\" password=\"" + jaasQuoted(password) + "\";");
    }
  }

  private static void ssl(Settings settings, Map<String, String> client) {
    Path truststore = settings.parse("kafka.ssl-truststore", Path::of);
    if (truststore != null && settings.requireReadable("kafka.ssl-truststore", truststore)) {
      client.put("ssl.truststore.location", truststore.toString());
      if (isPem(truststore)) {
        client.put("ssl.truststore.type", "PEM");
      } else {
        client.put("ssl.truststore.type", "PKCS12");
        putIfPresent(client, "ssl.truststore.password", settings.optionalSecret("kafka.ssl-truststore-password"));
      }
    }
    Path keystore = settings.parse("kafka.ssl-keystore", Path::of);
    if (keystore != null && settings.requireReadable("kafka.ssl-keystore", keystore)) {
      client.put("ssl.keystore.location", keystore.toString());
      client.put("ssl.keystore.type", isPem(keystore) ? "PEM" : "PKCS12");
      String password = settings.optionalSecret("kafka.ssl-keystore-password");
      putIfPresent(client, isPem(keystore) ? "ssl.key.password" : "ssl.keystore.password", password);
    }
  }

  /** The properties as the Kafka and Flink connector builders take them. */
  public static java.util.Properties asProperties(Map<String, String> client) {
    java.util.Properties properties = new java.util.Properties();
    properties.putAll(client);
    return properties;
  }

  /**
   * The SASL user the client properties log in as (read back from {@code sasl.jaas.config} as
   * {@link #addTo} writes it), or null without SASL: for messages that must name the user.
   */
  public static String saslUser(Map<String, String> client) {
    java.util.regex.Matcher user = java.util.regex.Pattern.compile("username=\"((?:[^\"\\\\]|\\\\.)*)\"")
        .matcher(client.getOrDefault("sasl.jaas.config", ""));
    return user.find() ? user.group(1).replaceAll("\\\\(.)", "$1") : null;
  }

  /** JAAS options are double-quoted strings: a quote or backslash in a password must not end them. */
  public static String jaasQuoted(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** Kafka client properties whose values must never be logged. */
  public static boolean looksSecret(String property) {
    String name = property.toLowerCase(Locale.ROOT);
    return name.contains("password") || name.contains("jaas") || name.contains("secret") || name.endsWith(".key");
  }

  private static void putIfPresent(Map<String, String> client, String key, String value) {
    if (value != null) {
      client.put(key, value);
    }
  }

  private static boolean isPem(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".pem") || name.endsWith(".crt");
  }

  private static String oneOf(Set<String> choices, String text) {
    if (!choices.contains(text)) {
      throw new IllegalArgumentException("'" + text + "' is not one of " + String.join(", ", new TreeSet<>(choices)));
    }
    return text;
  }
}
