package io.agentwatch.capture.catalog;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Where the effective endpoint catalog is published: a compacted topic holding one record under
 * the key {@value #KEY}, so the topic keeps the newest catalog for as long as it exists and a
 * sensor that starts reads it at once.
 *
 * @param bootstrapServers the Kafka cluster, {@code host:port[,host:port...]}
 * @param topic the catalog topic ({@value #DEFAULT_TOPIC} unless configured)
 * @param clientProperties Kafka client properties (security, tuning); those that concern the
 *     connection (security.protocol, sasl.*, ssl.*) go to the catalog's consumer and producer too
 */
public record CatalogTopic(String bootstrapServers, String topic, Map<String, String> clientProperties) {

  public static final String DEFAULT_TOPIC = "catalog";
  /** The key of the one record: a later publication replaces it (compaction keeps the newest). */
  public static final String KEY = "effective";
  /** Compacted: the newest catalog stays however old it is; retention would delete it. */
  public static final Map<String, String> TOPIC_SETTINGS = Map.of("cleanup.policy", "compact");

  public CatalogTopic {
    clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
  }

  /** The connection settings every catalog client uses: servers and the security properties of {@link #clientProperties}. */
  Properties connection(String clientId) {
    Properties props = new Properties();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    Map<String, String> security = new LinkedHashMap<>();
    clientProperties.forEach((key, value) -> {
      if (key.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG) || key.startsWith("sasl.") || key.startsWith("ssl.")) {
        security.put(key, value);
      }
    });
    props.putAll(security);
    return props;
  }

  public CatalogTopic validate() {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("kafka.bootstrap-servers: missing; expected host:port[,host:port...]");
    }
    try {
      requireTopicName(topic);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("catalog.topic: " + e.getMessage(), e);
    }
    return this;
  }

  /** @throws IllegalArgumentException when {@code topic} is not a Kafka topic name */
  public static String requireTopicName(String topic) {
    if (topic == null || !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw new IllegalArgumentException("'" + topic + "' is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)");
    }
    return topic;
  }
}
