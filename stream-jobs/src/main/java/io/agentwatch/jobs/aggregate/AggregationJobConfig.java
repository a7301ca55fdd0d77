package io.agentwatch.jobs.aggregate;

import io.agentwatch.jobs.sink.ClickHouseSinkConfig;
import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the aggregation job.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param flowsTopic topic the sensors produce flow records to
 * @param consumerGroup Kafka consumer group of the job
 * @param bounded read up to the offsets that exist when the job starts, then finish (replay of a
 *     capture, tests); otherwise run until cancelled
 * @param window length of the tumbling event-time windows
 * @param outOfOrderness how far behind the newest record a record may arrive and still be counted
 *     in its window
 * @param idleness a partition that sends nothing for this long stops holding back the watermark
 * @param sink where and how rows are written
 */
public record AggregationJobConfig(
    String bootstrapServers,
    String flowsTopic,
    String consumerGroup,
    boolean bounded,
    Duration window,
    Duration outOfOrderness,
    Duration idleness,
    ClickHouseSinkConfig sink) implements Serializable {

  public static AggregationJobConfig defaults(String bootstrapServers, ClickHouseSinkConfig sink) {
    return new AggregationJobConfig(bootstrapServers, "flows", "agentwatch-aggregation", false,
        Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofMinutes(1), sink);
  }

  public AggregationJobConfig withBounded(boolean bounded) {
    return new AggregationJobConfig(bootstrapServers, flowsTopic, consumerGroup, bounded, window,
        outOfOrderness, idleness, sink);
  }

  public AggregationJobConfig validate() {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("kafka.bootstrap-servers: missing");
    }
    if (flowsTopic == null || flowsTopic.isBlank()) {
      throw new IllegalArgumentException("kafka.flows-topic: missing");
    }
    if (consumerGroup == null || consumerGroup.isBlank()) {
      throw new IllegalArgumentException("job.consumer-group: missing");
    }
    if (window == null || window.toMillis() < 1000) {
      throw new IllegalArgumentException("job.window: " + window + " must be at least one second");
    }
    if (outOfOrderness == null || outOfOrderness.isNegative()) {
      throw new IllegalArgumentException("job.out-of-orderness: " + outOfOrderness + " must not be negative");
    }
    if (idleness == null || idleness.isNegative() || idleness.isZero()) {
      throw new IllegalArgumentException("job.idleness: " + idleness + " must be positive");
    }
    if (sink == null) {
      throw new IllegalArgumentException("sink: missing");
    }
    sink.validate();
    return this;
  }
}
