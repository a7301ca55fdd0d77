package io.agentwatch.stack;

import io.agentwatch.jobs.aggregate.AggregationJob;
import io.agentwatch.jobs.aggregate.AggregationJobConfig;
import io.agentwatch.jobs.hosttraffic.HostTrafficBranch;
import io.agentwatch.jobs.sink.ClickHouseSinkConfig;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.NamedQueries;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.StoreException;
import io.agentwatch.store.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything on one machine: a real Kafka broker (KRaft, in this JVM), the ClickHouse store with
 * its migrations applied, and the Flink jobs in a local MiniCluster. The sensor produces into the
 * broker like any remote sensor would.
 */
public final class OneMachineStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OneMachineStack.class);

  /**
   * @param kafkaDir the broker's data directory
   * @param store the ClickHouse store (embedded chDB by default)
   * @param flowsTopic topic between sensor and jobs
   * @param partitions partitions of the flows and alerts topics
   * @param parallelism Flink parallelism of the jobs
   */
  public record Config(Path kafkaDir, StoreConfig store, String flowsTopic, int partitions, int parallelism) {

    public static Config embedded(Path dataDir) {
      return new Config(dataDir.resolve("kafka"), StoreConfig.embedded(dataDir.resolve("clickhouse").toString()),
          "flows", 2, 2);
    }

    /** Topic the detection job sends ExposureAlert records to. */
    public String alertsTopic() {
      return "alerts";
    }

    /** Topic of the sensors' per-host minute totals of non-AI traffic (HostTrafficMinute). */
    public String hostTrafficTopic() {
      return HostTrafficBranch.DEFAULT_TOPIC;
    }

    public Config validate() {
      store.validate();
      if (partitions < 1) {
        throw new IllegalArgumentException("kafka.partitions: " + partitions + " must be at least 1");
      }
      if (parallelism < 1) {
        throw new IllegalArgumentException("job.parallelism: " + parallelism + " must be at least 1");
      }
      return this;
    }
  }

  private final Config config;
  private final KafkaBroker broker;
  private final ClickHouseStore store;

  private OneMachineStack(Config config, KafkaBroker broker, ClickHouseStore store) {
    this.config = config;
    this.broker = broker;
    this.store = store;
  }

  /** Starts the broker, creates the flows, alerts and host traffic topics, opens the store and applies the migrations. */
  public static OneMachineStack start(Config config) throws StoreException {
    config.validate();
    ClickHouseStore store = Stores.open(config.store());
    KafkaBroker broker = null;
    try {
      List<?> applied = Migrations.bundled(store).apply();
      LOG.info("{}: {}", store.describe(),
          applied.isEmpty() ? "schema up to date" : "applied migrations " + applied);
      broker = new KafkaBroker(config.kafkaDir(), 0).start();
      broker.createTopic(config.flowsTopic(), config.partitions());
      broker.createTopic(config.alertsTopic(), config.partitions());
      broker.createTopic(config.hostTrafficTopic(), config.partitions());
      return new OneMachineStack(config, broker, store);
    } catch (RuntimeException | StoreException e) {
      if (broker != null) {
        broker.close();
      }
      store.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public String flowsTopic() {
    return config.flowsTopic();
  }

  public String hostTrafficTopic() {
    return config.hostTrafficTopic();
  }

  public ClickHouseStore store() {
    return store;
  }

  /**
   * The job's settings on this stack: reads the whole flows topic and finishes (bounded),
   * exactly-once into the store, checkpoints every second beside the broker's data. On disk, not in
   * the JobManager's memory: a checkpoint holds the rows waiting for it, more than the memory
   * storage's 5 MB limit at a few tens of thousands of flows per second.
   */
  public AggregationJobConfig jobConfig() {
    return AggregationJobConfig
        .defaults(broker.bootstrapServers(), ClickHouseSinkConfig.defaults(config.store()))
        .withTopics(config.flowsTopic(), config.alertsTopic())
        .withCheckpoints(Duration.ofSeconds(1), config.kafkaDir().toAbsolutePath().resolveSibling("checkpoints").toUri().toString())
        .withBounded(true);
  }

  /**
   * Runs the aggregation and detection job over every record in the flows topic (and the host
   * traffic topic into host_traffic_1m) now, then returns: windows are closed by the end of input,
   * so all results are in the store afterwards.
   */
  public JobExecutionResult aggregateAvailableFlows() throws Exception {
    AggregationJobConfig job = jobConfig();
    Configuration flink = AggregationJob.flinkSettings(job);
    // A failing job must fail the run, not restart forever over the same bad input.
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    env.setParallelism(config.parallelism());
    AggregationJob.build(env, job);
    HostTrafficBranch.build(env, job, config.hostTrafficTopic());
    long started = System.nanoTime();
    JobExecutionResult result = env.execute("agentwatch aggregation");
    LOG.info("aggregation job finished in {} ms", (System.nanoTime() - started) / 1_000_000);
    return result;
  }

  /** What each host sent to and received from each AI vendor, as a table for people. */
  public String hostTotals() throws StoreException {
    return table("host_totals");
  }

  /** The newest alerts (at most 20), as a table for people; empty text when there are none. */
  public String recentAlerts() throws StoreException {
    return table("recent_alerts");
  }

  private String table(String namedQuery) throws StoreException {
    return store.query(NamedQueries.load(namedQuery) + "\nFORMAT PrettyCompactMonoBlock");
  }

  @Override
  public void close() {
    try {
      broker.close();
    } finally {
      store.close();
    }
  }
}
