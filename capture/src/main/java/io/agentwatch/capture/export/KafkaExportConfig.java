package io.agentwatch.capture.export;

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
 */
public record KafkaExportConfig(String bootstrapServers, String topic, Map<String, String> clientProperties) {

  public static final String DEFAULT_TOPIC = "flows";

  public KafkaExportConfig {
    clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
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
    if (topic == null || !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw new IllegalArgumentException("kafka.topic: '" + topic
          + "' is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)");
    }
    return this;
  }
}
