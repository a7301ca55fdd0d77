package io.agentwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.jobs.sink.ClickHouseSinkConfig;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.SingleObjectCodec;
import io.agentwatch.stack.OneMachineStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: the stream job's throughput and latency on this machine, run explicitly with
 * {@code bench/stream-throughput.sh} (or {@code -Dagentwatch.bench=true -Dtest=StreamThroughputBenchmark}).
 *
 * <p>The whole job runs (raw flows, windows, detection, alerts to ClickHouse and Kafka), exactly-once
 * with a 1 s checkpoint interval, unbounded, on the in-process broker and the embedded engine.
 * Phase 0 (not timed) sends {@code agentwatch.bench.warm-up} records through the whole job, so the
 * timed phases see compiled code rather than a JVM busy with its JIT; each message is dropped once
 * sent, so the test data does not stay in the heap the job works in.
 * Phase 1 produces records as fast as the producer can and measures flows/s from the first record
 * produced to the last one queryable in {@code flows}. Phase 2 produces at a fixed rate and measures,
 * per record, production time to the moment a {@code SELECT count() FROM flows} poll (every 100 ms)
 * first covers it: an estimate good to about the poll interval, and counts over two partitions
 * assume records become visible roughly in production order.
 */
@EnabledIfSystemProperty(named = "agentwatch.bench", matches = "true")
class StreamThroughputBenchmark {

  private static final int SATURATED = Integer.getInteger("agentwatch.bench.records", 1_000_000);
  private static final int PACED_RATE = Integer.getInteger("agentwatch.bench.rate", 50_000);
  private static final int PACED_SECONDS = 15;
  /** Records through the whole job before anything is timed, so the JIT has compiled the hot paths. */
  private static final int WARM_UP = Integer.getInteger("agentwatch.bench.warm-up", 300_000);

  @TempDir Path dir;

  @Test
  void throughputAndLatency() throws Exception {
    int pacedRecords = PACED_RATE * PACED_SECONDS;
    System.out.printf("generating %d records%n", WARM_UP + SATURATED + pacedRecords);
    List<byte[]> all = encode(WARM_UP + SATURATED + pacedRecords);
    List<byte[]> warmUp = all.subList(0, WARM_UP);
    List<byte[]> messages = all.subList(WARM_UP, all.size());
    try (OneMachineStack stack = OneMachineStack.start(OneMachineStack.Config.embedded(dir))) {
      AgentWatchJobConfig job = stack.jobConfig().withBounded(false);
      // Variants for finding where time goes: -Dagentwatch.bench.detection=false, -Dagentwatch.bench.delivery=at-least-once,
      // -Dagentwatch.bench.stages=raw-flows (below), -Dagentwatch.bench.warm-up=N.
      if (!Boolean.parseBoolean(System.getProperty("agentwatch.bench.detection", "true"))) {
        job = job.withDetection(null);
      }
      // -Dagentwatch.bench.checkpoint-interval=PT2S: fewer checkpoints (and store parts), later visibility.
      String interval = System.getProperty("agentwatch.bench.checkpoint-interval");
      if (interval != null) {
        job = job.withCheckpoints(Duration.parse(interval), job.checkpointDirectory());
      }
      if ("at-least-once".equals(System.getProperty("agentwatch.bench.delivery"))) {
        job = new AgentWatchJobConfig(job.bootstrapServers(), job.flowsTopic(), job.alertsTopic(), job.hostTrafficTopic(), job.consumerGroup(),
            job.bounded(), job.window(), job.outOfOrderness(), job.idleness(), job.allowedLateness(),
            job.checkpointInterval(), job.checkpointDirectory(),
            job.sink().withDelivery(ClickHouseSinkConfig.Delivery.AT_LEAST_ONCE), job.detection(), job.kafkaClient());
      }
      String variant = String.format("variant: stages %s, detection %s, delivery %s, checkpoints every %s%n",
          System.getProperty("agentwatch.bench.stages", "all"), job.detection() != null, job.sink().delivery(),
          job.checkpointInterval());
      System.out.print(variant);
      Configuration flink = AgentWatchJob.flinkSettings(job);
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
      env.setParallelism(2);
      // -Dagentwatch.bench.stages=raw-flows: the Kafka source and the flows table only (no windows, no detection).
      if ("raw-flows".equals(System.getProperty("agentwatch.bench.stages"))) {
        AgentWatchJob.rawFlows(AgentWatchJob.flowRecords(env, job), job);
      } else {
        AgentWatchJob.build(env, job);
      }
      JobClient client = env.executeAsync("throughput benchmark");
      Thread.sleep(3000);
      try (KafkaProducer<byte[], byte[]> producer = producer(stack.bootstrapServers())) {
        // Phase 0, not timed: a fresh JVM spends most of a core compiling for its first minute.
        long w0 = System.nanoTime();
        for (int i = 0; i < warmUp.size(); i++) {
          producer.send(new ProducerRecord<>(stack.flowsTopic(), warmUp.set(i, null)));
        }
        producer.flush();
        waitForRows(stack, WARM_UP, null);
        String warmUpReport = String.format("warm-up: %d records queryable after %.1f s (%.0f flows/s, cold JVM)%n",
            WARM_UP, (System.nanoTime() - w0) / 1e9, WARM_UP / ((System.nanoTime() - w0) / 1e9));
        String uptimeBefore = uptime();
        long t0 = System.nanoTime();
        System.out.printf("phase saturated from %d%n", System.currentTimeMillis());
        for (int i = 0; i < SATURATED; i++) {
          // Sent messages are dropped: ~300 MB of test data held to the end would tax the job's GC.
          producer.send(new ProducerRecord<>(stack.flowsTopic(), messages.set(i, null)));
        }
        producer.flush();
        long produced = System.nanoTime();
        waitForRows(stack, WARM_UP + SATURATED, null);
        long done = System.nanoTime();
        System.out.printf("phase saturated to %d%n", System.currentTimeMillis());
        String report = variant + warmUpReport + String.format("saturated: %d records produced in %.1f s (%.0f/s), all queryable in flows after"
                + " %.1f s: %.0f flows/s end to end; load before: %s, after: %s%n",
            SATURATED, (produced - t0) / 1e9, SATURATED / ((produced - t0) / 1e9), (done - t0) / 1e9,
            SATURATED / ((done - t0) / 1e9), uptimeBefore, uptime());

        // Phase 2: paced production, production-to-queryable latency.
        long[] producedAt = new long[pacedRecords];
        long start = System.nanoTime();
        long nanosPerRecord = 1_000_000_000L / PACED_RATE;
        List<long[]> polls = new ArrayList<>();
        Thread poller = new Thread(() -> {
          try {
            waitForRows(stack, WARM_UP + SATURATED + pacedRecords, polls);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        poller.start();
        for (int i = 0; i < pacedRecords; i++) {
          long due = start + i * nanosPerRecord;
          while (System.nanoTime() < due) {
            Thread.onSpinWait();
          }
          producedAt[i] = System.nanoTime();
          producer.send(new ProducerRecord<>(stack.flowsTopic(), messages.set(SATURATED + i, null)));
        }
        producer.flush();
        poller.join(120_000);
        long[] latencies = new long[pacedRecords];
        int p = 0;
        for (int i = 0; i < pacedRecords; i++) {
          while (p < polls.size() && polls.get(p)[1] < WARM_UP + SATURATED + i + 1L) {
            p++;
          }
          latencies[i] = p < polls.size() ? polls.get(p)[0] - producedAt[i] : Long.MAX_VALUE;
        }
        Arrays.sort(latencies);
        report += String.format("paced: %d records/s for %d s: production to queryable p50 %.2f s, p99 %.2f s,"
                + " max %.2f s; load after: %s%n", PACED_RATE, PACED_SECONDS,
            latencies[pacedRecords / 2] / 1e9, latencies[(int) (pacedRecords * 0.99)] / 1e9,
            latencies[pacedRecords - 1] / 1e9, uptime());
        System.out.print(report);
        // Figures from a run that lost or doubled records would mean nothing.
        assertEquals(String.valueOf(WARM_UP + SATURATED + pacedRecords), stack.store().query("SELECT count() FROM flows").strip(),
            "every produced record is stored exactly once");
        Path out = Path.of(System.getProperty("agentwatch.bench.out", "../target/app/stream-throughput.txt"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
      } finally {
        client.cancel().get();
      }
    }
  }

  private static void waitForRows(OneMachineStack stack, long rows, List<long[]> polls) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      long count = Long.parseLong(stack.store().query("SELECT count() FROM flows").strip());
      if (polls != null) {
        polls.add(new long[] {System.nanoTime(), count});
      }
      if (count >= rows) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("rows did not arrive within 5 minutes");
  }

  /** Encoded records, generated in chunks of consecutive event time (a minute per 20k records). */
  private static List<byte[]> encode(int count) {
    SingleObjectCodec<FlowRecord> codec = SingleObjectCodec.flowRecords();
    List<byte[]> out = new ArrayList<>(count);
    Instant from = Instant.parse("2026-11-02T09:00:00Z");
    for (int chunk = 0; out.size() < count; chunk++) {
      int n = Math.min(100_000, count - out.size());
      for (FlowRecord r : new KnownStream(n, 500, from.plusSeconds(chunk * 300L), 5, chunk).records) {
        out.add(codec.encode(r));
      }
    }
    return out;
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
  }

  private static String uptime() {
    try {
      return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).strip();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
