package io.agentwatch.stack;

import io.agentwatch.capture.metrics.Health;
import io.agentwatch.capture.metrics.MetricsWriter;
import io.agentwatch.delivery.DeliveryMetrics;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a running stack reports to Prometheus ({@code /metrics}) and in its health: rows per table
 * (flows, windows, alerts, dead letters, ...), the job's consumer lag on the flows topic, the age
 * of its newest checkpoint. Read at each scrape from the store, the broker and the data directory,
 * not counted on the side, so they are true after a restart too.
 */
public final class StackMetrics {

  /** Lag above this, or a checkpoint older than {@link #checkpointLimit}, makes the stack degraded. */
  static final long LAG_LIMIT = 100_000;

  private final ClickHouseStore store;
  private final KafkaCluster kafka;
  private final String flowsTopic;
  private final String consumerGroup;
  private final Path checkpoints;
  private final Duration checkpointLimit;
  private final Clock clock;

  /** The values of one scrape. */
  public record Snapshot(Map<String, Long> rowsPerTable, Long consumerLag, Duration checkpointAge) {}

  public StackMetrics(ClickHouseStore store, KafkaCluster kafka, String flowsTopic, String consumerGroup,
      Path checkpoints, Duration checkpointInterval, Clock clock) {
    this.store = store;
    this.kafka = kafka;
    this.flowsTopic = flowsTopic;
    this.consumerGroup = consumerGroup;
    this.checkpoints = checkpoints;
    this.checkpointLimit = checkpointInterval.multipliedBy(10).compareTo(Duration.ofMinutes(1)) > 0
        ? checkpointInterval.multipliedBy(10) : Duration.ofMinutes(1);
    this.clock = clock;
  }

  /**
   * The store's part alone: for a server over a ClickHouse cluster, where the job's lag and
   * checkpoints are Flink's and Kafka's to report.
   */
  public static StackMetrics storeOnly(ClickHouseStore store, Clock clock) {
    return new StackMetrics(store, null, null, null, null, Duration.ofMinutes(1), clock);
  }

  public Snapshot snapshot() throws StoreException {
    return new Snapshot(rowsPerTable(), consumerLag().orElse(null), checkpointAge().orElse(null));
  }

  /** The Prometheus series of a snapshot. */
  public static void write(Snapshot snapshot, MetricsWriter out) {
    snapshot.rowsPerTable().forEach((table, rows) ->
        out.gauge("agentwatch_store_rows", "rows in each table of the store (active parts)", rows, "table", table));
    if (snapshot.consumerLag() != null) {
      out.gauge("agentwatch_job_consumer_lag_records", "flow records in the flows topic the job has not committed yet",
          snapshot.consumerLag());
    }
    if (snapshot.checkpointAge() != null) {
      out.gauge("agentwatch_job_last_checkpoint_age_seconds", "seconds since the job's newest checkpoint was written",
          snapshot.checkpointAge().toMillis() / 1000.0);
    }
  }

  /** The Prometheus series of alert delivery: counts since start, per receiver. */
  public static void write(DeliveryMetrics delivery, MetricsWriter out) {
    delivery.perReceiver().forEach((receiver, counts) -> {
      out.counter("agentwatch_alerts_delivered_total", "alerts a receiver accepted", counts.delivered(), "receiver", receiver);
      out.counter("agentwatch_alert_delivery_retries_total", "failed tries followed by another", counts.retried(), "receiver", receiver);
      out.counter("agentwatch_alerts_dead_lettered_total", "alerts set aside in the dead-letter file after every try failed",
          counts.deadLettered(), "receiver", receiver);
      out.counter("agentwatch_alert_duplicates_skipped_total", "alerts read again (same id and version) and not resent",
          counts.duplicatesSkipped(), "receiver", receiver);
    });
    out.counter("agentwatch_alert_messages_malformed_total", "messages on the alerts topic that are not alerts this reader knows",
        delivery.malformedMessages());
  }

  /** Degraded when the job falls behind or stops checkpointing; failing when the store does not answer. */
  public Health health() {
    Snapshot snapshot;
    try {
      snapshot = snapshot();
    } catch (StoreException | RuntimeException e) {
      return Health.failing("the store does not answer: " + e.getMessage());
    }
    Health health = Health.ok();
    if (snapshot.consumerLag() != null && snapshot.consumerLag() > LAG_LIMIT) {
      health = health.and(Health.degraded("the job is " + snapshot.consumerLag() + " flow records behind"));
    }
    if (snapshot.checkpointAge() != null && snapshot.checkpointAge().compareTo(checkpointLimit) > 0) {
      health = health.and(Health.degraded("the job's newest checkpoint is " + snapshot.checkpointAge().toSeconds() + " s old"));
    }
    Long deadLetters = snapshot.rowsPerTable().get("dead_letters");
    if (deadLetters != null && deadLetters > 0) {
      health = health.and(Health.ok(deadLetters + " dead letters (see the dead_letters table)"));
    }
    return health;
  }

  private Map<String, Long> rowsPerTable() throws StoreException {
    Map<String, Long> rows = new LinkedHashMap<>();
    String text = store.query("SELECT table, sum(rows) FROM system.parts WHERE active AND database = currentDatabase()"
        + " AND table != 'schema_migrations' GROUP BY table ORDER BY table");
    for (String line : text.split("\n")) {
      String[] fields = line.split("\t");
      if (fields.length == 2) {
        rows.put(fields[0], Long.parseLong(fields[1]));
      }
    }
    return rows;
  }

  /** End offsets minus the job's committed offsets on the flows topic; empty when the broker does not answer in time. */
  private Optional<Long> consumerLag() {
    if (kafka == null) {
      return Optional.empty();
    }
    Map<String, Object> settings = kafka.adminSettings();
    settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
    try (Admin admin = Admin.create(settings)) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(consumerGroup).partitionsToOffsetAndMetadata().get(3, TimeUnit.SECONDS);
      List<TopicPartition> partitions = admin.describeTopics(List.of(flowsTopic)).allTopicNames().get(3, TimeUnit.SECONDS)
          .get(flowsTopic).partitions().stream().map(p -> new TopicPartition(flowsTopic, p.partition())).toList();
      Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
      partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
      long lag = 0;
      for (var end : admin.listOffsets(latest).all().get(3, TimeUnit.SECONDS).entrySet()) {
        OffsetAndMetadata done = committed.get(end.getKey());
        lag += end.getValue().offset() - (done == null ? 0 : done.offset());
      }
      return Optional.of(lag);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return Optional.empty();
    }
  }

  private Optional<Duration> checkpointAge() {
    if (checkpoints == null) {
      return Optional.empty();
    }
    return RunningJob.newestState(checkpoints).map(state -> {
      try {
        return Duration.between(Files.getLastModifiedTime(state.resolve("_metadata")).toInstant(), clock.instant());
      } catch (IOException e) {
        return null;
      }
    });
  }
}
