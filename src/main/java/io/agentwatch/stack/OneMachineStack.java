package io.agentwatch.stack;

import io.agentwatch.api.HttpConfig;
import io.agentwatch.capture.catalog.CatalogTopic;
import io.agentwatch.chhttp.ClickHouseHttpConfig;
import io.agentwatch.config.ConfigException;
import io.agentwatch.config.KafkaClientSecurity;
import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import io.agentwatch.config.ValueParsers;
import io.agentwatch.delivery.DeliveryConfig;
import io.agentwatch.jobs.AgentWatchJob;
import io.agentwatch.jobs.AgentWatchJobConfig;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.Retention;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.StoreException;
import io.agentwatch.store.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /** Keys the stack sets itself: its own broker, bounded or not, checkpoints and data in its data directory. */
  public static final Set<String> CHOSEN_BY_THE_STACK = Set.of("job.bounded", "job.checkpoint-dir",
      StoreConfig.EMBEDDED_PATH);

  /** An existing Kafka cluster instead of the embedded broker: `up --kafka`. */
  public static final String EXTERNAL_KAFKA = "kafka.bootstrap-servers";

  /**
   * What `agentwatch up` reads: the job's keys (detectors, windows, sink, store) with defaults for
   * one machine, and the stack's own. One list, read by the loader and by --help.
   */
  public static final List<Setting> SETTINGS = settings();

  private static List<Setting> settings() {
    List<Setting> settings = new ArrayList<>();
    settings.add(Setting.value("kafka.port", "PORT", "9092",
        "the broker's port on 127.0.0.1, for sensors on this machine (up; a replay picks a free one)"));
    settings.add(Setting.value("kafka.sensors-listen", "HOST:PORT", null,
        "a SCRAM listener for sensors on other hosts, at an address they reach (up; off by default; TLS required"
            + " unless loopback)"));
    settings.add(Setting.value("kafka.sensors-users-file", "FILE", null,
        "the sensors' SCRAM users, one 'user:password' a line ('#' comments); required with kafka.sensors-listen"));
    settings.add(Setting.value("kafka.sensors-tls-keystore", "FILE", null,
        "the sensors' listener becomes SASL_SSL: PEM with its PKCS#8 key (encrypted or not) then certificate chain"));
    settings.add(Setting.value("kafka.sensors-tls-key-password-file", "FILE", null,
        "file holding the password of an encrypted key in kafka.sensors-tls-keystore"));
    settings.add(Setting.value("kafka.partitions", "N", "2", "partitions of the flows and alerts topics"));
    settings.add(Setting.value("kafka.retention", "DURATION", "7d",
        "how long the broker keeps records (the job reads them within seconds; a longer stop replays from here)"));
    settings.add(Setting.value("kafka.compression", "TYPE", "producer",
        "compression of the topics on disk: producer (as sent), zstd, lz4, gzip, snappy, uncompressed"));
    settings.addAll(HttpConfig.SETTINGS);
    settings.addAll(ClickHouseHttpConfig.SETTINGS);
    for (Setting setting : AgentWatchJobConfig.SETTINGS) {
      settings.add(switch (setting.key()) {
        case EXTERNAL_KAFKA -> Setting.value(EXTERNAL_KAFKA, "HOST:PORT,...", null,
            "an existing Kafka cluster instead of the embedded broker (up --kafka); reached with kafka.security-protocol,"
                + " kafka.sasl-*, kafka.ssl-* as a sensor does; topics are created there unless they exist");
        case "job.parallelism" -> setting.withDefault("2");
        // Rows reach the store once per checkpoint (exactly-once): often, for a replay that ends soon.
        case "job.checkpoint-interval" -> setting.withDefault("1s");
        default -> setting;
      });
    }
    settings.addAll(DeliveryConfig.SETTINGS);
    settings.addAll(FlinkCluster.SETTINGS);
    return List.copyOf(settings);
  }

  /**
   * @param kafkaDir the broker's data directory
   * @param partitions partitions of the flows and alerts topics
   * @param parallelism Flink parallelism of the jobs
   * @param job the job's settings, but the brokers (known once the broker runs)
   * @param http who may read the HTTP API and console, and over TLS or not (up)
   * @param delivery where alerts go (`up` delivers them when it has receivers)
   * @param clickhouseHttp where the embedded store's read-only ClickHouse HTTP interface listens; null for nowhere
   * @param retention how long each tier of the store keeps its rows (set on the tables at start)
   * @param flink the Flink cluster the job runs on; null: a MiniCluster in this process
   */
  public record Config(Path kafkaDir, int kafkaPort, SensorListener sensorListener, int partitions,
      Map<String, String> topicSettings, int parallelism, AgentWatchJobConfig job, HttpConfig http,
      DeliveryConfig delivery, ClickHouseHttpConfig clickhouseHttp, Retention retention, FlinkCluster flink) {

    /** The defaults for a replay: Kafka and ClickHouse data under {@code dataDir}. */
    public static Config embedded(Path dataDir) {
      return load(dataDir.resolve("kafka"), dataDir.resolve("clickhouse"), Map.of(), null, Map.of());
    }

    /**
     * The stack's config from the keys of {@link #SETTINGS}: given ones (--set), then a YAML file
     * and the environment; the keys in {@link #CHOSEN_BY_THE_STACK} are set here.
     *
     * @throws ConfigException naming every bad key, its source and what is wrong
     */
    public static Config load(Path kafkaDir, Path clickhouseDir, Map<String, String> given, Path file,
        Map<String, String> environment) {
      return load(kafkaDir, clickhouseDir, true, given, file, environment);
    }

    /**
     * @param bounded true for a replay (the job reads what the topic holds, then finishes; the
     *     broker on any free port), false for a stack that runs until stopped
     */
    public static Config load(Path kafkaDir, Path clickhouseDir, boolean bounded, Map<String, String> given, Path file,
        Map<String, String> environment) {
      Map<String, Object> commandLine = new LinkedHashMap<>(given);
      commandLine.put(StoreConfig.EMBEDDED_PATH, clickhouseDir.toString());
      commandLine.put("job.bounded", Boolean.toString(bounded));
      if (bounded) {
        commandLine.put("kafka.port", "0");
      }
      // On disk, not in the JobManager's memory: a checkpoint holds the rows waiting for it, more
      // than the memory storage's 5 MB limit at a few tens of thousands of flows per second.
      commandLine.put("job.checkpoint-dir", kafkaDir.toAbsolutePath().resolveSibling("checkpoints").toUri().toString());
      Settings settings = Settings.load(SETTINGS, file, environment, commandLine);
      AgentWatchJobConfig job = AgentWatchJobConfig.from(settings);
      boolean externalKafka = job.bootstrapServers() != null;
      if (externalKafka && bounded) {
        settings.problem(EXTERNAL_KAFKA, "a replay runs its own broker (it reads a whole topic, then ends); "
            + "run `agentwatch up --kafka ... --read FILE` to feed an existing cluster");
      }
      if (!externalKafka && settings.isSet(KafkaClientSecurity.PROTOCOL)) {
        settings.problem(KafkaClientSecurity.PROTOCOL, "applies to an existing Kafka cluster (" + EXTERNAL_KAFKA
            + "); the embedded broker's clients are on loopback, remote sensors use kafka.sensors-listen");
      }
      if (externalKafka && settings.isSet("kafka.sensors-listen")) {
        settings.problem("kafka.sensors-listen", "the stack uses an existing Kafka cluster (" + EXTERNAL_KAFKA
            + "): point remote sensors at that cluster instead");
      }
      Integer port = settings.parse("kafka.port", text -> ValueParsers.integer(text, 0, 65535));
      Integer partitions = settings.parse("kafka.partitions", text -> ValueParsers.integer(text, 1, 1000));
      Duration retention = settings.parse("kafka.retention", ValueParsers::duration);
      String compression = settings.parse("kafka.compression", text -> ValueParsers.oneOf(text,
          List.of("producer", "zstd", "lz4", "gzip", "snappy", "uncompressed")));
      Integer parallelism = settings.parse("job.parallelism", text -> ValueParsers.integer(text, 1, 1000));
      SensorListener sensors = SensorListener.from(settings);
      HttpConfig http = HttpConfig.from(settings);
      DeliveryConfig delivery = DeliveryConfig.from(settings, environment);
      ClickHouseHttpConfig clickhouseHttp = ClickHouseHttpConfig.from(settings);
      Retention storeRetention = Retention.from(settings);
      FlinkCluster flink = FlinkCluster.from(settings, job.sink() == null ? null : job.sink().store(), clickhouseHttp != null);
      settings.throwIfProblems();
      Map<String, String> topicSettings = Map.of("retention.ms", Long.toString(retention.toMillis()), "compression.type", compression);
      return new Config(kafkaDir, port, sensors, partitions, topicSettings, parallelism, job, http, delivery,
          clickhouseHttp, storeRetention, flink);
    }

    public StoreConfig store() {
      return job.sink().store();
    }

    /** True when the stack uses an existing Kafka cluster ({@value #EXTERNAL_KAFKA}) instead of its own broker. */
    public boolean externalKafka() {
      return job.bootstrapServers() != null;
    }

    public String flowsTopic() {
      return job.flowsTopic();
    }

    /** Topic the detection job sends ExposureAlert records to; null for none. */
    public String alertsTopic() {
      return job.alertsTopic();
    }

    /** Topic of the sensors' per-host minute totals of non-AI traffic (HostTrafficMinute); null for none. */
    public String hostTrafficTopic() {
      return job.hostTrafficTopic();
    }

    public Config validate() {
      store().validate();
      retention.validate();
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
  private final KafkaBroker broker; // null on an existing cluster
  private final KafkaCluster kafka;
  private final ClickHouseStore store;

  private OneMachineStack(Config config, KafkaBroker broker, KafkaCluster kafka, ClickHouseStore store) {
    this.config = config;
    this.broker = broker;
    this.kafka = kafka;
    this.store = store;
  }

  /**
   * Opens the store, applies the migrations and the retention settings, starts the embedded
   * broker (or reaches the existing cluster), and creates the flows, alerts, host traffic and
   * catalog topics unless they exist.
   */
  public static OneMachineStack start(Config config) throws StoreException {
    config.validate();
    ClickHouseStore store = Stores.open(config.store());
    KafkaBroker broker = null;
    try {
      List<?> applied = Migrations.bundled(store).apply();
      LOG.info("{}: {}", store.describe(),
          applied.isEmpty() ? "schema up to date" : "applied migrations " + applied);
      List<String> retained = config.retention().apply(store);
      if (!retained.isEmpty()) {
        LOG.info("{}: retention changed on {}", store.describe(), retained);
      }
      KafkaCluster kafka;
      if (config.externalKafka()) {
        kafka = new KafkaCluster(config.job().bootstrapServers(), config.job().kafkaClient());
        kafka.requireReachable(EXTERNAL_KAFKA);
      } else {
        broker = new KafkaBroker(config.kafkaDir(), config.kafkaPort());
        if (config.sensorListener() != null) {
          config.sensorListener().applyTo(broker);
        }
        broker.start();
        kafka = new KafkaCluster(broker.bootstrapServers(), Map.of());
      }
      kafka.createTopic(config.flowsTopic(), config.partitions(), config.topicSettings());
      if (config.alertsTopic() != null) {
        kafka.createTopic(config.alertsTopic(), config.partitions(), config.topicSettings());
      }
      if (config.hostTrafficTopic() != null) {
        kafka.createTopic(config.hostTrafficTopic(), config.partitions(), config.topicSettings());
      }
      // One record, kept however old: compacted, without the flows' retention.
      kafka.createTopic(CatalogTopic.DEFAULT_TOPIC, 1, CatalogTopic.TOPIC_SETTINGS);
      return new OneMachineStack(config, broker, kafka, store);
    } catch (RuntimeException | StoreException e) {
      if (broker != null) {
        broker.close();
      }
      store.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The Kafka cluster of the stack: the embedded broker's or the existing one's, with its client properties. */
  public KafkaCluster kafka() {
    return kafka;
  }

  /** The listener for remote sensors, or null when there is none. */
  public SensorListener sensorListener() {
    return config.sensorListener();
  }

  public String sensorBootstrapServers() {
    return config.sensorListener() == null ? null : broker.saslBootstrapServers();
  }

  public String flowsTopic() {
    return config.flowsTopic();
  }

  public String hostTrafficTopic() {
    return config.hostTrafficTopic();
  }

  /** Where the stack publishes the effective endpoint catalog and its sensors follow it. */
  public CatalogTopic catalogTopic() {
    return new CatalogTopic(kafka.bootstrapServers(), CatalogTopic.DEFAULT_TOPIC, kafka.clientProperties());
  }

  public ClickHouseStore store() {
    return store;
  }

  /**
   * The job's settings on this stack: reads the whole flows topic and finishes (bounded),
   * exactly-once into the store (unless sink.delivery says otherwise), checkpoints beside the
   * broker's data.
   */
  public AgentWatchJobConfig jobConfig() {
    return config.job().withKafka(kafka.bootstrapServers(), kafka.clientProperties());
  }

  /**
   * Runs the aggregation and detection job over every record in the flows topic (and the host
   * traffic topic into host_traffic_1m) now, then returns: windows are closed by the end of input,
   * so all results are in the store afterwards.
   */
  public JobExecutionResult aggregateAvailableFlows() throws Exception {
    AgentWatchJobConfig job = jobConfig();
    Configuration flink = AgentWatchJob.flinkSettings(job);
    // A failing job must fail the run, not restart forever over the same bad input.
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    env.setParallelism(config.parallelism());
    AgentWatchJob.build(env, job);
    long started = System.nanoTime();
    JobExecutionResult result = env.execute("agentwatch aggregation");
    LOG.info("aggregation job finished in {} ms", (System.nanoTime() - started) / 1_000_000);
    return result;
  }

  /**
   * Starts the job to run until stopped, from the newest state in {@code checkpoints} or
   * {@code savepoints} (see {@link RunningJob}).
   */
  public RunningJob startJob(Path checkpoints, Path savepoints) throws Exception {
    return startJob(checkpoints, savepoints, null);
  }

  /**
   * Like {@link #startJob(Path, Path)}, the job writing to {@code jobStore} instead of the stack's
   * store when not null: a job on a Flink cluster writes the embedded store through this
   * process's ClickHouse HTTP interface.
   */
  public RunningJob startJob(Path checkpoints, Path savepoints, StoreConfig jobStore) throws Exception {
    AgentWatchJobConfig job = jobStore == null ? jobConfig() : jobConfig().withStore(jobStore);
    return RunningJob.start("agentwatch", AgentWatchJob.flinkSettings(job), config.flink(), checkpoints, savepoints, env -> {
      env.setParallelism(config.parallelism());
      AgentWatchJob.build(env, job);
    });
  }

  @Override
  public void close() {
    try {
      if (broker != null) {
        broker.close();
      }
    } finally {
      store.close();
    }
  }
}
