package io.agentwatch.jobs.aggregate;

import io.agentwatch.jobs.detect.DetectionConfig;
import io.agentwatch.jobs.sink.ClickHouseSinkConfig;
import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the stream job (aggregation, detection, alerts).
 *
 * @param bootstrapServers {@code kafka.bootstrap-servers}
 * @param flowsTopic {@code kafka.flows-topic}: topic the sensors produce flow records to
 * @param alertsTopic {@code kafka.alerts-topic}: topic alerts go to; null: alerts go only to ClickHouse
 * @param consumerGroup {@code job.consumer-group}: Kafka consumer group of the job, also the
 *     prefix of the alerts sink's transactional ids
 * @param bounded {@code job.bounded}: read up to the offsets that exist when the job starts, then
 *     finish (replay of a capture, tests); otherwise run until cancelled
 * @param window {@code job.window}: length of the tumbling event-time windows
 * @param outOfOrderness {@code job.out-of-orderness}: how far behind the newest record a record may
 *     arrive and still be counted when its window first fires
 * @param idleness {@code job.idleness}: a partition that sends nothing for this long stops holding
 *     back the watermark
 * @param allowedLateness {@code job.allowed-lateness}: a record this late after its window fired
 *     still updates it (the window is emitted again, complete); later ones go to late_flows
 * @param checkpointInterval {@code job.checkpoint-interval}: checkpoints are on by default; the
 *     exactly-once ClickHouse sink writes once per interval
 * @param checkpointDirectory {@code job.checkpoint-dir}: a file system URI for checkpoints
 *     (file:///var/lib/agentwatch/checkpoints, s3://...); null keeps them in the JobManager's
 *     memory, which survives task failures but not a JobManager restart
 * @param sink where and how rows are written
 * @param detection detector settings; null turns detection off
 */
public record AggregationJobConfig(
    String bootstrapServers,
    String flowsTopic,
    String alertsTopic,
    String consumerGroup,
    boolean bounded,
    Duration window,
    Duration outOfOrderness,
    Duration idleness,
    Duration allowedLateness,
    Duration checkpointInterval,
    String checkpointDirectory,
    ClickHouseSinkConfig sink,
    DetectionConfig detection) implements Serializable {

  public static AggregationJobConfig defaults(String bootstrapServers, ClickHouseSinkConfig sink) {
    return new AggregationJobConfig(bootstrapServers, "flows", "alerts", "agentwatch-aggregation", false,
        Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
        Duration.ofSeconds(10), null, sink, DetectionConfig.defaults());
  }

  public AggregationJobConfig withBounded(boolean bounded) {
    return new AggregationJobConfig(bootstrapServers, flowsTopic, alertsTopic, consumerGroup, bounded, window,
        outOfOrderness, idleness, allowedLateness, checkpointInterval, checkpointDirectory, sink, detection);
  }

  public AggregationJobConfig withTopics(String flowsTopic, String alertsTopic) {
    return new AggregationJobConfig(bootstrapServers, flowsTopic, alertsTopic, consumerGroup, bounded, window,
        outOfOrderness, idleness, allowedLateness, checkpointInterval, checkpointDirectory, sink, detection);
  }

  public AggregationJobConfig withCheckpoints(Duration interval, String directory) {
    return new AggregationJobConfig(bootstrapServers, flowsTopic, alertsTopic, consumerGroup, bounded, window,
        outOfOrderness, idleness, allowedLateness, interval, directory, sink, detection);
  }

  public AggregationJobConfig withLateness(Duration outOfOrderness, Duration allowedLateness) {
    return new AggregationJobConfig(bootstrapServers, flowsTopic, alertsTopic, consumerGroup, bounded, window,
        outOfOrderness, idleness, allowedLateness, checkpointInterval, checkpointDirectory, sink, detection);
  }

  public AggregationJobConfig withDetection(DetectionConfig detection) {
    return new AggregationJobConfig(bootstrapServers, flowsTopic, alertsTopic, consumerGroup, bounded, window,
        outOfOrderness, idleness, allowedLateness, checkpointInterval, checkpointDirectory, sink, detection);
  }

  public AggregationJobConfig validate() {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("kafka.bootstrap-servers: missing");
    }
    if (flowsTopic == null || flowsTopic.isBlank()) {
      throw new IllegalArgumentException("kafka.flows-topic: missing");
    }
    if (alertsTopic != null && alertsTopic.isBlank()) {
      throw new IllegalArgumentException("kafka.alerts-topic: blank (leave it out to send alerts only to ClickHouse)");
    }
    if (consumerGroup == null || consumerGroup.isBlank()) {
      throw new IllegalArgumentException("job.consumer-group: missing");
    }
    if (window == null || window.toMillis() < 1000) {
      throw new IllegalArgumentException("job.window: " + window + " must be at least one second");
    }
    notNegative("job.out-of-orderness", outOfOrderness);
    notNegative("job.allowed-lateness", allowedLateness);
    if (idleness == null || idleness.isNegative() || idleness.isZero()) {
      throw new IllegalArgumentException("job.idleness: " + idleness + " must be positive");
    }
    if (checkpointInterval == null || checkpointInterval.toMillis() < 10) {
      throw new IllegalArgumentException("job.checkpoint-interval: " + checkpointInterval + " must be at least 10 ms");
    }
    if (checkpointDirectory != null && !checkpointDirectory.contains("://")) {
      throw new IllegalArgumentException("job.checkpoint-dir: '" + checkpointDirectory
          + "' must be a URI such as file:///var/lib/agentwatch/checkpoints");
    }
    if (sink == null) {
      throw new IllegalArgumentException("sink: missing");
    }
    sink.validate();
    if (detection != null) {
      detection.validate();
    }
    return this;
  }

  private static void notNegative(String key, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(key + ": " + value + " must not be negative");
    }
  }
}
