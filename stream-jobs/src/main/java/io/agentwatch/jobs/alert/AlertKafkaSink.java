package io.agentwatch.jobs.alert;

import io.agentwatch.config.KafkaClientSecurity;
import io.agentwatch.schema.ExposureAlert;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * Alerts to Kafka as Avro single-object messages (the same encoding as the flows topic), keyed by
 * host. Transactional (exactly-once) when the ClickHouse sink is, so both see the same alerts.
 */
public final class AlertKafkaSink {

  /**
   * Below the broker's transaction.max.timeout.ms (15 minutes by default); Flink's default of one
   * hour makes the job fail when it starts a transaction.
   */
  static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

  private AlertKafkaSink() {}

  public static KafkaSink<ExposureAlert> create(AlertSinkConfig config) {
    return KafkaSink.<ExposureAlert>builder()
        .setBootstrapServers(config.bootstrapServers())
        .setKafkaProducerConfig(KafkaClientSecurity.asProperties(config.kafkaClient()))
        .setRecordSerializer(KafkaRecordSerializationSchema.<ExposureAlert>builder()
            .setTopic(config.topic())
            .setKeySerializationSchema(new HostKey())
            .setValueSerializationSchema(new SingleObject())
            .build())
        .setDeliveryGuarantee(config.exactlyOnce() ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
        .setTransactionalIdPrefix(config.transactionalIdPrefix())
        .setProperty("transaction.timeout.ms", String.valueOf(TRANSACTION_TIMEOUT.toMillis()))
        .build();
  }

  private static final class HostKey implements SerializationSchema<ExposureAlert> {
    @Override
    public byte[] serialize(ExposureAlert alert) {
      return alert.getHost().getBytes(StandardCharsets.UTF_8);
    }
  }

  private static final class SingleObject implements SerializationSchema<ExposureAlert> {
    @Override
    public byte[] serialize(ExposureAlert alert) {
      try {
        ByteBuffer buffer = ExposureAlert.getEncoder().encode(alert);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot encode alert " + alert.getAlertId(), e);
      }
    }
  }
}
