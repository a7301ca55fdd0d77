package io.agentwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.config.Settings;
import io.agentwatch.jobs.detect.DetectionConfig;
import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.OneMachineStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A known stream through the real broker, a Flink MiniCluster and the ClickHouse engine; the job
 * fails once mid-stream, after a checkpoint, and is restored from its last checkpoint. Records
 * after that checkpoint are read and written again; the store must still hold every window's exact
 * sums and one raw row per record.
 */
class ExactlyOnceTest {

  private static final int RECORDS = 30_000;

  @TempDir Path dir;

  @Test
  void aJobRestoredFromItsCheckpointAfterAFailureStoresEveryRecordExactlyOnce() throws Exception {
    // An upload burst after the failure point, so alerts flow through the restored job too.
    KnownStream stream = new KnownStream(RECORDS, 12, 20, 7).addUploadBurst("host-0", 15, 3, 200_000_000L);
    int records = stream.records.size();
    try (OneMachineStack stack = OneMachineStack.start(OneMachineStack.Config.embedded(dir))) {
      stream.produce(stack.bootstrapServers(), stack.flowsTopic());
      // Replacing tables hide a duplicate row once they merge: keep every row as inserted, so a
      // window or alert written twice is seen below.
      for (String table : List.of("host_vendor_service_1m", "alerts")) {
        stack.store().execute("SYSTEM STOP MERGES " + table);
      }

      // Twenty minutes of traffic: a host's baseline may judge after 5 of its minutes (the default
      // warm-up is longer), so the burst at minute 15 alerts and its alerts cross the restore.
      Settings detect = Settings.load(DetectionConfig.SETTINGS, null, Map.of(), Map.of("detect.warmup-windows", "5"));
      AgentWatchJobConfig job = stack.jobConfig().withCheckpoints(Duration.ofMillis(500), stack.jobConfig().checkpointDirectory())
          .withDetection(DetectionConfig.from(detect));
      Configuration flink = AgentWatchJob.flinkSettings(job);
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
      flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
      env.setParallelism(2);
      FailOnceAfterACheckpoint.reset(records / 2);
      AgentWatchJob.build(env, job, flows -> flows
          .map(new FailOnceAfterACheckpoint(), new AvroTypeInfo<>(FlowRecord.class)).name("fail once mid-stream"));
      long started = System.nanoTime();
      env.execute("exactly-once test");
      System.out.printf("exactly-once: %d records, job failed once after %d records and %d checkpoints,"
              + " %d records read in all (replay after restore), %d ms%n",
          records, FailOnceAfterACheckpoint.seenAtFailure.get(), FailOnceAfterACheckpoint.checkpointsBeforeFailure.get(),
          FailOnceAfterACheckpoint.seen.get(), (System.nanoTime() - started) / 1_000_000);

      assertTrue(FailOnceAfterACheckpoint.failed.get(), "the job failed mid-stream");
      assertTrue(FailOnceAfterACheckpoint.seen.get() > records, "records after the checkpoint were read twice");
      // A restart from the very beginning would read every record after the ones read before the failure.
      assertTrue(FailOnceAfterACheckpoint.seen.get() < FailOnceAfterACheckpoint.seenAtFailure.get() + records,
          "restored from a checkpoint, not from the start: " + FailOnceAfterACheckpoint.seen.get() + " read, "
              + FailOnceAfterACheckpoint.seenAtFailure.get() + " of them before the failure");
      assertEquals(stream.truth(), KnownStream.windowsIn(stack.store()), "per-window sums equal the truth");
      assertEquals(stream.truth().size() + "\n", stack.store().query("SELECT count() FROM host_vendor_service_1m"),
          "one row per window, none written twice (rows as inserted, without FINAL)");
      assertEquals(records + "\n", stack.store().query("SELECT count() FROM flows"), "one raw row per record");
      assertEquals(records + "\n", stack.store().query("SELECT uniqExact(sequence) FROM flows"));
      assertEquals("0\n", stack.store().query("SELECT count() FROM late_flows"));

      // Alerts: the same ones, once each, in ClickHouse and in the Kafka topic (committed transactions only).
      List<String> stored = List.of(stack.store().query("SELECT alert_id FROM alerts ORDER BY alert_id").strip().split("\n"));
      assertEquals(stored.stream().distinct().toList(), stored, "no alert stored twice (rows as inserted, without FINAL)");
      List<ExposureAlert> published = committedAlerts(stack.bootstrapServers(), stack.jobConfig().alertsTopic());
      System.out.printf("exactly-once: %d alerts in ClickHouse, %d in Kafka: %s%n", stored.size(), published.size(),
          published.stream().map(a -> a.getDetector() + "@" + a.getHost()).sorted().toList());
      assertTrue(published.stream().anyMatch(a -> a.getHost().equals("host-0") && a.getDetector().equals("upload-heavy")),
          "the burst raised an upload-heavy alert: " + published);
      List<String> publishedIds = published.stream().map(ExposureAlert::getAlertId).sorted().toList();
      assertEquals(publishedIds.stream().distinct().toList(), publishedIds, "no alert published twice");
      assertEquals(stored, publishedIds,
          "Kafka and ClickHouse hold the same alerts, none twice");
    }
  }

  /**
   * A bounded job (a replay) whose Kafka partitions end far apart: one holds a single host's
   * records, the other everyone else's. After the short partition's reader has finished, the job
   * must keep completing checkpoints (committing its rows), and a failure then must restore from
   * one of them and still store every record once.
   */
  @Test
  void aBoundedJobKeepsCheckpointingAfterItsShortestPartitionEndsAndStaysExactlyOnce() throws Exception {
    KnownStream stream = new KnownStream(20_000, 12, 20, 11);
    int records = stream.records.size();
    String shortHost = "host-0";
    int shortRecords = (int) stream.records.stream().filter(r -> r.getHost().equals(shortHost)).count();
    try (OneMachineStack stack = OneMachineStack.start(OneMachineStack.Config.embedded(dir))) {
      KnownStream.produce(stack.bootstrapServers(), stack.flowsTopic(), stream.records, false,
          flow -> flow.getHost().equals(shortHost) ? 1 : 0);
      stack.store().execute("SYSTEM STOP MERGES host_vendor_service_1m");

      AgentWatchJobConfig job = stack.jobConfig().withBounded(true)
          .withCheckpoints(Duration.ofMillis(500), stack.jobConfig().checkpointDirectory());
      Configuration flink = AgentWatchJob.flinkSettings(job);
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
      flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
      env.setParallelism(2);
      FailOnceAfterTheShortPartitionEnds.reset(shortHost, shortRecords);
      AgentWatchJob.build(env, job, flows -> flows
          .map(new FailOnceAfterTheShortPartitionEnds(), new AvroTypeInfo<>(FlowRecord.class)).name("fail once after the short partition"));
      env.execute("bounded exactly-once test");
      System.out.printf("bounded exactly-once: %d records (%d in the short partition), job failed %s, %d read in all%n",
          records, shortRecords, FailOnceAfterTheShortPartitionEnds.failed.get()
              ? "after " + FailOnceAfterTheShortPartitionEnds.seenAtFailure.get() + " records" : "never",
          FailOnceAfterTheShortPartitionEnds.seen.get());

      assertTrue(FailOnceAfterTheShortPartitionEnds.failed.get(), "checkpoints completed while the long partition was"
          + " still read after the short one ended, and the job failed after two of them; completed then: "
          + FailOnceAfterTheShortPartitionEnds.completedAfterShortEnded);
      assertEquals(stream.truth(), KnownStream.windowsIn(stack.store()), "per-window sums equal the truth");
      assertEquals(stream.truth().size() + "\n", stack.store().query("SELECT count() FROM host_vendor_service_1m"),
          "one row per window, none written twice (rows as inserted, without FINAL)");
      assertEquals(records + "\n", stack.store().query("SELECT count() FROM flows"), "one raw row per record");
      assertEquals(records + "\n", stack.store().query("SELECT uniqExact(sequence) FROM flows"));
    }
  }

  /** Every alert in committed transactions on {@code topic}, read to its end. */
  private static List<ExposureAlert> committedAlerts(String bootstrapServers, String topic) throws Exception {
    List<ExposureAlert> alerts = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          alerts.add(ExposureAlert.getDecoder().decode(record.value()));
        }
      }
    }
    return alerts;
  }

  /**
   * Passes records through, slowly enough for checkpoints to complete; throws once when half the
   * records are through and a checkpoint has completed. Static: the MiniCluster runs in this JVM,
   * and the flag must survive the restart.
   */
  static final class FailOnceAfterACheckpoint implements MapFunction<FlowRecord, FlowRecord>, CheckpointListener {
    static final AtomicLong seen = new AtomicLong();
    static final AtomicBoolean failed = new AtomicBoolean();
    static final AtomicInteger checkpoints = new AtomicInteger();
    static final AtomicLong seenAtFailure = new AtomicLong();
    static final AtomicInteger checkpointsBeforeFailure = new AtomicInteger();
    static volatile long failAfter;

    static void reset(long after) {
      seen.set(0);
      failed.set(false);
      checkpoints.set(0);
      failAfter = after;
    }

    @Override
    public FlowRecord map(FlowRecord flow) throws Exception {
      long n = seen.incrementAndGet();
      if (n % 10 == 0) {
        Thread.sleep(1);
      }
      if (n >= failAfter && checkpoints.get() > 0 && failed.compareAndSet(false, true)) {
        seenAtFailure.set(n);
        checkpointsBeforeFailure.set(checkpoints.get());
        throw new IllegalStateException("deliberate failure after " + n + " records");
      }
      return flow;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      checkpoints.incrementAndGet();
    }
  }

  /**
   * Passes records through, paced (1 ms every 5 records) so that checkpoints complete while the
   * long partition is read; throws once when two checkpoints have completed after the short
   * partition's last record went through. Static: the MiniCluster runs in this JVM, and the flag
   * must survive the restart.
   */
  static final class FailOnceAfterTheShortPartitionEnds implements MapFunction<FlowRecord, FlowRecord>, CheckpointListener {
    static final AtomicLong seen = new AtomicLong();
    static final AtomicLong seenShort = new AtomicLong();
    static final AtomicBoolean failed = new AtomicBoolean();
    static final AtomicLong seenAtFailure = new AtomicLong();
    static final AtomicLong lastCompleted = new AtomicLong();
    /** The newest checkpoint completed when the short partition's last record went through; -1 before. */
    static final AtomicLong completedWhenShortEnded = new AtomicLong();
    static final Set<Long> completedAfterShortEnded = ConcurrentHashMap.newKeySet();
    static volatile String shortHost;
    static volatile long shortRecords;

    static void reset(String host, long records) {
      seen.set(0);
      seenShort.set(0);
      failed.set(false);
      lastCompleted.set(0);
      completedWhenShortEnded.set(-1);
      completedAfterShortEnded.clear();
      shortHost = host;
      shortRecords = records;
    }

    @Override
    public FlowRecord map(FlowRecord flow) throws Exception {
      long n = seen.incrementAndGet();
      if (n % 5 == 0) {
        Thread.sleep(1);
      }
      if (flow.getHost().equals(shortHost) && seenShort.incrementAndGet() == shortRecords) {
        completedWhenShortEnded.compareAndSet(-1, lastCompleted.get());
      }
      if (completedAfterShortEnded.size() >= 2 && failed.compareAndSet(false, true)) {
        seenAtFailure.set(n);
        throw new IllegalStateException("deliberate failure after " + n + " records, checkpoints "
            + completedAfterShortEnded + " completed after the short partition ended");
      }
      return flow;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      lastCompleted.accumulateAndGet(checkpointId, Math::max);
      long ended = completedWhenShortEnded.get();
      if (ended >= 0 && checkpointId > ended) {
        completedAfterShortEnded.add(checkpointId);
      }
    }
  }
}
