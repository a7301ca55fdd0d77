package io.agentwatch.capture.export;

import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.HostTrafficMinute;
import io.agentwatch.schema.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces flow records to Kafka: keyed by host (so one host's records stay in order on one
 * partition), valued as Avro single-object messages. The producer is idempotent with acks=all, so a
 * retried send never duplicates a record.
 *
 * <p>A failed send is not forgotten: the first failure is kept and {@link #flush()} throws it, so
 * the caller learns that records were not delivered. (Spooling to disk during an outage comes with
 * the sensor service.)
 */
public final class KafkaFlowExporter implements FlowSink {

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final String hostTrafficTopic;
  private final SingleObjectCodec<FlowRecord> codec = SingleObjectCodec.flowRecords();
  private final SingleObjectCodec<HostTrafficMinute> hostTrafficCodec = SingleObjectCodec.hostTrafficMinutes();
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
  private final AtomicLong acknowledged = new AtomicLong();
  private long sent;

  public KafkaFlowExporter(KafkaExportConfig config) {
    config.validate();
    this.producer = new KafkaProducer<>(config.producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
    this.topic = config.topic();
    this.hostTrafficTopic = config.hostTrafficTopic();
  }

  @Override
  public void accept(FlowRecord record) {
    send(topic, record.getHost(), codec.encode(record));
  }

  /** To the host traffic topic, keyed by host like the flow records. */
  @Override
  public void acceptHostTraffic(HostTrafficMinute totals) {
    send(hostTrafficTopic, totals.getHost(), hostTrafficCodec.encode(totals));
  }

  private void send(String toTopic, String host, byte[] value) {
    byte[] key = host.getBytes(StandardCharsets.UTF_8);
    producer.send(new ProducerRecord<>(toTopic, key, value), (metadata, error) -> {
      if (error == null) {
        acknowledged.incrementAndGet();
      } else {
        firstFailure.compareAndSet(null, error);
      }
    });
    sent++;
  }

  /**
   * Waits until every record handed to {@link #accept} is acknowledged by the broker.
   *
   * @throws ExportException when any record could not be delivered
   */
  @Override
  public void flush() {
    producer.flush();
    Exception failure = firstFailure.get();
    if (failure != null) {
      throw new ExportException("Kafka topic '" + topic + "': " + (sent - acknowledged.get())
          + " of " + sent + " records not delivered: " + failure.getMessage(), failure);
    }
  }

  public long recordsAcknowledged() {
    return acknowledged.get();
  }

  @Override
  public void close() {
    try {
      flush();
    } finally {
      producer.close();
    }
  }

  /** Records could not be delivered to Kafka. */
  public static final class ExportException extends RuntimeException {
    ExportException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
