package io.agentwatch.capture.export;

import io.agentwatch.config.KafkaClientSecurity;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Where the sensor produces its flow records.
 *
 * @param bootstrapServers Kafka bootstrap servers, {@code host:port[,host:port...]}
 * @param topic the flows topic
 * @param clientProperties further Kafka producer properties (security, tuning); they override the
 *     defaults chosen here
 * @param hostTrafficTopic the topic of the per-host minute totals ({@code HostTrafficMinute}) of
 *     the traffic not sent as flow records
 */
public record KafkaExportConfig(
    String bootstrapServers, String topic, Map<String, String> clientProperties, String hostTrafficTopic) {

  public static final String DEFAULT_TOPIC = "flows";
  public static final String DEFAULT_HOST_TRAFFIC_TOPIC = "host-traffic";

  public KafkaExportConfig {
    clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
  }

  /** With the default host traffic topic. */
  public KafkaExportConfig(String bootstrapServers, String topic, Map<String, String> clientProperties) {
    this(bootstrapServers, topic, clientProperties, DEFAULT_HOST_TRAFFIC_TOPIC);
  }

  public static KafkaExportConfig of(String bootstrapServers) {
    return new KafkaExportConfig(bootstrapServers, DEFAULT_TOPIC, Map.of());
  }

  /**
   * The producer settings every sensor uses, then {@link #clientProperties} on top: idempotent with
   * acks=all (a retried send never duplicates a record), batched, compressed.
   */
  public Properties producerProperties() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "agentwatch-sensor");
    props.putAll(clientProperties);
    return props;
  }

  /**
   * The one message for a broker that refused the sensor's SASL login (the probe at start and the
   * sender say the same): who logged in, where and how, and that retrying cannot help.
   */
  public String loginRefused(String brokerMessage) {
    String protocol = clientProperties.getOrDefault("security.protocol", "PLAINTEXT");
    String mechanism = clientProperties.getOrDefault("sasl.mechanism", "no SASL mechanism");
    String user = KafkaClientSecurity.saslUser(clientProperties);
    String said = String.valueOf(brokerMessage).replaceAll("[.\\s]+$", "");
    return "Kafka at " + bootstrapServers + " rejected the sensor's credentials (user '" + user + "', " + mechanism
        + " over " + protocol + "): " + said + ". Retrying cannot help: check kafka.sasl-username, "
        + "kafka.sasl-mechanism and the password (kafka.sasl-password-file or AGENTWATCH_KAFKA_SASL_PASSWORD)";
  }

  public KafkaExportConfig validate() {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("kafka.bootstrap-servers: missing; expected host:port[,host:port...]");
    }
    for (String server : bootstrapServers.split(",")) {
      int colon = server.lastIndexOf(':');
      if (colon <= 0 || !server.substring(colon + 1).trim().matches("\\d{1,5}")) {
        throw new IllegalArgumentException(
            "kafka.bootstrap-servers: '" + server.trim() + "' is not host:port");
      }
    }
    checkTopic("kafka.topic", topic);
    checkTopic("kafka.host-traffic-topic", hostTrafficTopic);
    if (topic.equals(hostTrafficTopic)) {
      throw new IllegalArgumentException("kafka.host-traffic-topic: '" + hostTrafficTopic
          + "' is also kafka.topic; the totals need a topic of their own");
    }
    return this;
  }

  private static void checkTopic(String key, String topic) {
    if (topic == null || !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw new IllegalArgumentException(key + ": '" + topic
          + "' is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)");
    }
  }
}
