package io.agentwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.chhttp.ClickHouseHttpConfig;
import io.agentwatch.chhttp.ClickHouseHttpServer;
import io.agentwatch.jobs.sink.ClickHouseSinkConfig;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.SingleObjectCodec;
import io.agentwatch.stack.FlinkCluster;
import io.agentwatch.stack.OneMachineStack;
import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.RowBinaryWriter;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: the stream job's throughput, latency and CPU per flow on this machine, run explicitly
 * with {@code bench/stream-throughput.sh} (or {@code -Dagentwatch.bench=true -Dtest=StreamThroughputBenchmark}).
 *
 * <p>{@code -Dagentwatch.bench.stage} chooses what runs, so the stages' costs are measured by one
 * harness on the same records and add up to the end-to-end figure:
 * <ul>
 *   <li>{@code end-to-end} (default): the whole job (raw flows, windows, detection, alerts to
 *       ClickHouse and Kafka), exactly-once with a 1 s checkpoint interval, unbounded, on the
 *       in-process broker and the embedded engine, all in this JVM with the producer. Phase 0 (not
 *       timed) sends {@code agentwatch.bench.warm-up} records through the whole job, so the timed
 *       phases see compiled code rather than a JVM busy with its JIT; each message is dropped once
 *       sent, so the test data does not stay in the heap the job works in. Phase 1 produces records
 *       as fast as the producer can and measures flows/s from the first record produced to the last
 *       one queryable in {@code flows}, and this JVM's CPU per flow. Phase 2 produces at a fixed
 *       rate and measures, per record, production time to the moment a {@code SELECT count() FROM
 *       flows} poll (every 100 ms) first covers it: an estimate good to about the poll interval, and
 *       counts over two partitions assume records become visible roughly in production order.</li>
 *   <li>{@code broker}: the broker alone: the same messages produced and consumed (a consumer
 *       thread reads all of them), nothing else running; CPU of the broker's threads apart from the
 *       producer's and the consumer's.</li>
 *   <li>{@code job}: the job alone, in a JVM of its own (a MiniCluster, as a TaskManager runs it),
 *       reading the broker of this JVM and writing the embedded store of this JVM through its
 *       ClickHouse HTTP interface (as {@code up --flink} has a cluster write it); the job JVM's CPU
 *       per flow. {@code -Dagentwatch.bench.parallelism} sets its parallelism (2).</li>
 *   <li>{@code store}: the embedded engine alone: the {@code flows} rows the job writes (its own
 *       encoder) inserted in batches of {@code -Dagentwatch.bench.batch} rows (30 000: a checkpoint's
 *       rows per subtask at 60 k flows/s), each with a deduplication token as the sink's committer
 *       sends them, until the merges have settled; this JVM's CPU (chDB's threads included) per
 *       row. Encoding the rows is the job's cost and happens before the clock starts.</li>
 * </ul>
 */
@EnabledIfSystemProperty(named = "agentwatch.bench", matches = "true")
class StreamThroughputBenchmark {

  private static final int SATURATED = Integer.getInteger("agentwatch.bench.records", 1_000_000);
  private static final int PACED_RATE = Integer.getInteger("agentwatch.bench.rate", 50_000);
  private static final int PACED_SECONDS = 15;
  /** Records through the whole job before anything is timed, so the JIT has compiled the hot paths. */
  private static final int WARM_UP = Integer.getInteger("agentwatch.bench.warm-up", 300_000);
  private static final String STAGE = System.getProperty("agentwatch.bench.stage", "end-to-end");
  private static final int PARALLELISM = Integer.getInteger("agentwatch.bench.parallelism", 2);
  private static final int STORE_BATCH = Integer.getInteger("agentwatch.bench.batch", 30_000);
  private static final List<String> STAGES = List.of("end-to-end", "broker", "job", "store");

  @TempDir Path dir;

  @Test
  void throughputAndLatency() throws Exception {
    String report = switch (STAGE) {
      case "end-to-end" -> endToEnd();
      case "broker" -> brokerAlone();
      case "job" -> jobAlone();
      case "store" -> storeAlone();
      default -> throw new IllegalArgumentException(
          "agentwatch.bench.stage: '" + STAGE + "' is not one of " + String.join(", ", STAGES));
    };
    System.out.print(report);
    Path out = Path.of(System.getProperty("agentwatch.bench.out", "../target/app/stream-throughput.txt"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report);
  }

  private String endToEnd() throws Exception {
    int pacedRecords = PACED_RATE * PACED_SECONDS;
    List<byte[]> all = encode(WARM_UP + SATURATED + pacedRecords);
    List<byte[]> warmUp = all.subList(0, WARM_UP);
    List<byte[]> messages = all.subList(WARM_UP, all.size());
    try (OneMachineStack stack = OneMachineStack.start(OneMachineStack.Config.embedded(dir))) {
      AgentWatchJobConfig job = variants(stack.jobConfig().withBounded(false));
      String variant = variant(job);
      System.out.print(variant);
      Configuration flink = AgentWatchJob.flinkSettings(job);
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
      env.setParallelism(PARALLELISM);
      build(env, job);
      JobClient client = env.executeAsync("throughput benchmark");
      Thread.sleep(3000);
      try (KafkaProducer<byte[], byte[]> producer = producer(stack.bootstrapServers())) {
        String warmUpReport = warmUp(producer, stack.flowsTopic(), warmUp, () -> waitForRows(stack, WARM_UP, null, null));
        String uptimeBefore = uptime();
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        System.out.printf("phase saturated from %d%n", System.currentTimeMillis());
        long produced = produceAll(producer, stack.flowsTopic(), messages.subList(0, SATURATED));
        waitForRows(stack, WARM_UP + SATURATED, null, null);
        long done = System.nanoTime();
        long cpu = processCpuNanos() - cpu0;
        System.out.printf("phase saturated to %d%n", System.currentTimeMillis());
        String report = variant + warmUpReport + String.format("saturated: %d records produced in %.1f s (%.0f/s), all queryable in flows after"
                + " %.1f s: %.0f flows/s end to end; load before: %s, after: %s%n",
            SATURATED, (produced - t0) / 1e9, SATURATED / ((produced - t0) / 1e9), (done - t0) / 1e9,
            SATURATED / ((done - t0) / 1e9), uptimeBefore, uptime())
            + cpuLine("end to end (this JVM: producer, broker, job, store)", cpu, done - t0, SATURATED);

        // Phase 2: paced production, production-to-queryable latency.
        long[] producedAt = new long[pacedRecords];
        long start = System.nanoTime();
        long nanosPerRecord = 1_000_000_000L / PACED_RATE;
        List<long[]> polls = new ArrayList<>();
        Thread poller = new Thread(() -> {
          try {
            waitForRows(stack, WARM_UP + SATURATED + pacedRecords, polls, null);
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
        // Figures from a run that lost or doubled records would mean nothing.
        assertEquals(String.valueOf(WARM_UP + SATURATED + pacedRecords), stack.store().query("SELECT count() FROM flows").strip(),
            "every produced record is stored exactly once");
        return report;
      } finally {
        client.cancel().get();
      }
    }
  }

  /**
   * The broker alone: the messages produced as in the end-to-end run and consumed by one consumer
   * thread, nothing else running. The broker's CPU is this JVM's minus the producer's and consumer's
   * threads (JIT and GC stay in it: the broker is what allocates and runs here).
   */
  private String brokerAlone() throws Exception {
    List<byte[]> all = encode(WARM_UP + SATURATED);
    try (OneMachineStack stack = OneMachineStack.start(OneMachineStack.Config.embedded(dir));
        KafkaProducer<byte[], byte[]> producer = producer(stack.bootstrapServers())) {
      AtomicLong consumed = new AtomicLong();
      Thread consumer = new Thread(() -> consume(stack.bootstrapServers(), stack.flowsTopic(), consumed,
          WARM_UP + SATURATED), "bench-consumer");
      consumer.setDaemon(true);
      consumer.start();
      String warmUpReport = warmUp(producer, stack.flowsTopic(), all.subList(0, WARM_UP),
          () -> waitFor(() -> consumed.get() >= WARM_UP, "the consumer to read the warm-up's " + WARM_UP + " records"));
      String uptimeBefore = uptime();
      Map<Long, Long> threads0 = threadCpuNanos();
      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      long produced = produceAll(producer, stack.flowsTopic(), all.subList(WARM_UP, all.size()));
      waitFor(() -> consumed.get() >= WARM_UP + SATURATED, "the consumer to read " + (WARM_UP + SATURATED) + " records");
      long done = System.nanoTime();
      long cpu = processCpuNanos() - cpu0;
      long clients = clientThreadsCpuNanos(threads0, threadCpuNanos(), consumer.getId());
      return String.format("stage: broker alone (produce and consume the flow records; nothing else running)%n")
          + warmUpReport
          + String.format("saturated: %d records produced in %.1f s, all consumed after %.1f s: %.0f records/s; load before: %s,"
              + " after: %s%n", SATURATED, (produced - t0) / 1e9, (done - t0) / 1e9, SATURATED / ((done - t0) / 1e9),
              uptimeBefore, uptime())
          + cpuLine("this JVM (broker, producer, consumer)", cpu, done - t0, SATURATED)
          + cpuLine("producer and consumer threads", clients, done - t0, SATURATED)
          + cpuLine("broker (the rest of this JVM)", cpu - clients, done - t0, SATURATED);
    }
  }

  /**
   * The job alone, in a JVM of its own, on this JVM's broker and store. The job's CPU is that
   * process's; this JVM's (broker, producer, store and its HTTP interface) is reported beside it.
   */
  private String jobAlone() throws Exception {
    List<byte[]> all = encode(WARM_UP + SATURATED);
    try (OneMachineStack stack = OneMachineStack.start(OneMachineStack.Config.embedded(dir.resolve("stack")))) {
      Path password = dir.resolve("writer.password");
      ClickHouseHttpConfig http = FlinkCluster.writerFor(ClickHouseHttpConfig.loopback(0), password);
      try (ClickHouseHttpServer server = ClickHouseHttpServer.start(http, (EmbeddedChdbStore) stack.store())) {
        AgentWatchJobConfig job = variants(stack.jobConfig().withBounded(false))
            .withStore(FlinkCluster.storeThrough(server.url(), server.config(), password));
        String variant = variant(job);
        System.out.print(variant);
        Path config = dir.resolve("job.ser");
        try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(config))) {
          out.writeObject(job);
        }
        Path log = dir.resolve("job.log");
        Process process = jobProcess(config, log);
        try {
          try (KafkaProducer<byte[], byte[]> producer = producer(stack.bootstrapServers())) {
            String warmUpReport = warmUp(producer, stack.flowsTopic(), all.subList(0, WARM_UP),
                () -> waitForRows(stack, WARM_UP, null, process));
            String uptimeBefore = uptime();
            long job0 = processCpuNanos(process.toHandle());
            Map<String, Long> threads0 = threadCpuTicks(process.pid());
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            long produced = produceAll(producer, stack.flowsTopic(), all.subList(WARM_UP, all.size()));
            waitForRows(stack, WARM_UP + SATURATED, null, process);
            long done = System.nanoTime();
            long jobCpu = processCpuNanos(process.toHandle()) - job0;
            Map<String, Long> threads = threadCpuTicks(process.pid());
            long cpu = processCpuNanos() - cpu0;
            assertEquals(String.valueOf(WARM_UP + SATURATED), stack.store().query("SELECT count() FROM flows").strip(),
                "every produced record is stored exactly once");
            return variant + warmUpReport
                + String.format("saturated: %d records produced in %.1f s, all queryable in flows after %.1f s: %.0f flows/s;"
                    + " load before: %s, after: %s%n", SATURATED, (produced - t0) / 1e9, (done - t0) / 1e9,
                    SATURATED / ((done - t0) / 1e9), uptimeBefore, uptime())
                + cpuLine("the job's JVM (MiniCluster, parallelism " + PARALLELISM + ")", jobCpu, done - t0, SATURATED)
                + cpuLine("the other JVM (broker, producer, store through its HTTP interface)", cpu, done - t0, SATURATED)
                + threadLines(threads0, threads, SATURATED);
          }
        } finally {
          process.destroy();
          if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
          }
        }
      }
    }
  }

  /** The embedded engine alone: the job's {@code flows} rows inserted as its committer inserts them. */
  private String storeAlone() throws Exception {
    List<byte[]> batches = new ArrayList<>();
    RowBinaryWriter rows = new RowBinaryWriter(STORE_BATCH * 300);
    int[] encoded = {0};
    records(WARM_UP + SATURATED, record -> {
      AgentWatchJob.FLOW_ROWS.encoding().encode(rows, record);
      // Batches end at the warm-up's last row too, so the timed inserts hold exactly the saturated rows.
      if (++encoded[0] % STORE_BATCH == 0 || encoded[0] == WARM_UP || encoded[0] == WARM_UP + SATURATED) {
        batches.add(rows.toByteArray());
        rows.reset();
      }
    });
    int warmUpBatches = (WARM_UP + STORE_BATCH - 1) / STORE_BATCH;
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dir.resolve("clickhouse"))) {
      Migrations.bundled(store).apply();
      for (byte[] batch : batches.subList(0, warmUpBatches)) {
        store.insertRowBinary(AgentWatchJob.FLOW_ROWS.table(), AgentWatchJob.FLOW_ROWS.columns(), batch,
            UUID.randomUUID().toString());
      }
      waitForMerges(store);
      String uptimeBefore = uptime();
      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      for (int i = warmUpBatches; i < batches.size(); i++) {
        store.insertRowBinary(AgentWatchJob.FLOW_ROWS.table(), AgentWatchJob.FLOW_ROWS.columns(), batches.set(i, null),
            UUID.randomUUID().toString());
      }
      long inserted = System.nanoTime();
      long settled = waitForMerges(store);
      long cpu = processCpuNanos() - cpu0;
      assertEquals(String.valueOf(WARM_UP + SATURATED), store.query("SELECT count() FROM flows").strip(),
          "every row is stored exactly once");
      return String.format("stage: store alone (embedded engine; flows rows in batches of %d with a deduplication token each)%n",
          STORE_BATCH)
          + String.format("saturated: %d rows inserted in %.1f s (%.0f rows/s), merges settled %.1f s later; load before: %s,"
              + " after: %s%n", SATURATED, (inserted - t0) / 1e9, SATURATED / ((inserted - t0) / 1e9),
              (settled - inserted) / 1e9, uptimeBefore, uptime())
          + cpuLine("this JVM (inserts and merges, chDB's threads included)", cpu, settled - t0, SATURATED);
    }
  }

  /** Runs the job of {@code config} (a serialized {@link AgentWatchJobConfig}) until killed: the job stage's JVM. */
  static final class JobProcess {
    public static void main(String[] args) throws Exception {
      AgentWatchJobConfig job;
      try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(Path.of(args[0])))) {
        job = (AgentWatchJobConfig) in.readObject();
      }
      Configuration flink = AgentWatchJob.flinkSettings(job);
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
      env.setParallelism(PARALLELISM);
      build(env, job);
      env.execute("throughput benchmark, job stage");
    }
  }

  private Process jobProcess(Path config, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("--add-opens")).forEach(command::add);
    for (String key : List.of("agentwatch.bench.parallelism", "agentwatch.bench.stages")) {
      if (System.getProperty(key) != null) {
        command.add("-D" + key + "=" + System.getProperty(key));
      }
    }
    command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        JobProcess.class.getName(), config.toString()));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * The job's variants, for finding where time goes: -Dagentwatch.bench.detection=false,
   * -Dagentwatch.bench.delivery=at-least-once, -Dagentwatch.bench.checkpoint-interval=PT2S (fewer
   * checkpoints and store parts, later visibility), and -Dagentwatch.bench.stages=raw-flows ({@link #build}).
   */
  private static AgentWatchJobConfig variants(AgentWatchJobConfig job) {
    if (!Boolean.parseBoolean(System.getProperty("agentwatch.bench.detection", "true"))) {
      job = job.withDetection(null);
    }
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
    return job;
  }

  private static String variant(AgentWatchJobConfig job) {
    return String.format("stage %s, parallelism %d, variant: stages %s, detection %s, delivery %s, checkpoints every %s%n",
        STAGE, PARALLELISM, System.getProperty("agentwatch.bench.stages", "all"), job.detection() != null,
        job.sink().delivery(), job.checkpointInterval());
  }

  /** -Dagentwatch.bench.stages=raw-flows: the Kafka source and the flows table only (no windows, no detection). */
  private static void build(StreamExecutionEnvironment env, AgentWatchJobConfig job) {
    if ("raw-flows".equals(System.getProperty("agentwatch.bench.stages"))) {
      AgentWatchJob.rawFlows(AgentWatchJob.flowRecords(env, job), job);
    } else {
      AgentWatchJob.build(env, job);
    }
  }

  /** Phase 0, not timed: a fresh JVM spends most of a core compiling for its first minute. */
  private static String warmUp(KafkaProducer<byte[], byte[]> producer, String topic, List<byte[]> messages, Waiting done)
      throws Exception {
    long w0 = System.nanoTime();
    produceAll(producer, topic, messages);
    done.await();
    double seconds = (System.nanoTime() - w0) / 1e9;
    return String.format("warm-up: %d records through after %.1f s (%.0f flows/s, cold JVM)%n",
        messages.size(), seconds, messages.size() / seconds);
  }

  /** Sends every message (dropped once sent: ~300 MB of test data held to the end would tax the GC); returns when all are acknowledged. */
  private static long produceAll(KafkaProducer<byte[], byte[]> producer, String topic, List<byte[]> messages) {
    for (int i = 0; i < messages.size(); i++) {
      producer.send(new ProducerRecord<>(topic, messages.set(i, null)));
    }
    producer.flush();
    return System.nanoTime();
  }

  private static void consume(String bootstrap, String topic, AtomicLong consumed, long until) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "throughput-benchmark",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
      consumer.subscribe(List.of(topic));
      while (consumed.get() < until) {
        consumed.addAndGet(consumer.poll(Duration.ofMillis(100)).count());
      }
    }
  }

  @FunctionalInterface
  private interface Waiting {
    void await() throws Exception;
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("waited 5 minutes for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static void waitForRows(OneMachineStack stack, long rows, List<long[]> polls, Process job) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      if (job != null && !job.isAlive()) {
        throw new IllegalStateException("the job's JVM ended with " + job.exitValue() + " (its log is in the test's temporary folder)");
      }
      long count = Long.parseLong(stack.store().query("SELECT count() FROM flows").strip());
      if (polls != null) {
        polls.add(new long[] {System.nanoTime(), count});
      }
      if (count >= rows) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("rows did not arrive within 5 minutes: " + stack.store().query("SELECT count() FROM flows").strip()
        + " of " + rows + " in flows");
  }

  /** Waits until no merge runs and the number of active parts of flows has not changed for 2 s; returns when that began. */
  private static long waitForMerges(EmbeddedChdbStore store) throws Exception {
    String parts = "";
    long stableSince = System.nanoTime();
    while (System.nanoTime() - stableSince < 2_000_000_000L) {
      Thread.sleep(100);
      String now = store.query("SELECT (SELECT count() FROM system.merges), "
          + "(SELECT count() FROM system.parts WHERE table = 'flows' AND active) FORMAT TSV").strip();
      if (!now.equals(parts) || !now.startsWith("0\t")) {
        parts = now;
        stableSince = System.nanoTime();
      }
    }
    return stableSince;
  }

  /** One line of a stage's CPU: µs per flow, flows/s per core, and the cores it kept busy. */
  private static String cpuLine(String what, long cpuNanos, long wallNanos, long flows) {
    double micros = cpuNanos / 1e3 / flows;
    return String.format("cpu: %s: %.1f s for %d flows: %.2f µs per flow, %.0f flows/s per core, %.2f cores busy%n",
        what, cpuNanos / 1e9, flows, micros, 1e6 / micros, (double) cpuNanos / wallNanos);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static long processCpuNanos(ProcessHandle process) {
    return process.info().totalCpuDuration()
        .orElseThrow(() -> new IllegalStateException("no CPU time for process " + process.pid())).toNanos();
  }

  /**
   * CPU clock ticks of another process's threads, summed by name with digits dropped (Linux keeps a
   * thread's first 15 bytes: "Source: flows t", "C2 CompilerThre", "GC Thread#"), from /proc.
   */
  private static Map<String, Long> threadCpuTicks(long pid) throws IOException {
    Map<String, Long> ticks = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]", "");
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum); // utime, stime
        } catch (IOException | RuntimeException ended) {
          // the thread ended between the listing and the read
        }
      }
    }
    return ticks;
  }

  /** Where a process's CPU went between two snapshots: µs per flow by thread name, largest first. */
  private static String threadLines(Map<String, Long> before, Map<String, Long> after, long flows) {
    double microsPerTick = 1e6 / 100; // USER_HZ
    StringBuilder out = new StringBuilder();
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.append(String.format("cpu by thread: %-16s %6.2f µs per flow%n", e.getKey(),
            e.getValue() * microsPerTick / flows)));
    return out.toString();
  }

  private static Map<Long, Long> threadCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      cpu.put(id, threads.getThreadCpuTime(id));
    }
    return cpu;
  }

  /** CPU of the producer's network threads, this thread (it sends) and the consumer thread between two snapshots. */
  private static long clientThreadsCpuNanos(Map<Long, Long> before, Map<Long, Long> after, long consumer) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Map.Entry<Long, Long> thread : after.entrySet()) {
      ThreadInfo info = threads.getThreadInfo(thread.getKey());
      boolean client = thread.getKey() == Thread.currentThread().getId() || thread.getKey() == consumer
          || (info != null && info.getThreadName().startsWith("kafka-producer-network-thread"));
      if (client && thread.getValue() >= 0) {
        sum += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
      }
    }
    return sum;
  }

  /** Encoded records, generated in chunks of consecutive event time (a minute per 20k records). */
  private static List<byte[]> encode(int count) {
    System.out.printf("generating %d records%n", count);
    SingleObjectCodec<FlowRecord> codec = SingleObjectCodec.flowRecords();
    List<byte[]> out = new ArrayList<>(count);
    records(count, record -> out.add(codec.encode(record)));
    return out;
  }

  private static void records(int count, Consumer<FlowRecord> each) {
    Instant from = Instant.parse("2026-11-02T09:00:00Z");
    int done = 0;
    for (int chunk = 0; done < count; chunk++) {
      int n = Math.min(100_000, count - done);
      new KnownStream(n, 500, from.plusSeconds(chunk * 300L), 5, chunk).records.forEach(each);
      done += n;
    }
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
    } catch (IOException e) {
      return "unknown";
    }
  }
}
