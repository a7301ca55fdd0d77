package io.agentwatch.jobs;

import io.agentwatch.config.KafkaClientSecurity;
import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import io.agentwatch.config.ValueParsers;
import io.agentwatch.jobs.alert.AlertSinkConfig;
import io.agentwatch.jobs.detect.DetectionConfig;
import io.agentwatch.jobs.sink.ClickHouseSinkConfig;
import io.agentwatch.store.StoreConfig;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of the stream job (source, aggregation, detection, alerts, sinks). {@link #SETTINGS} is
 * the one list of the job's keys (its own, the detectors', the sink's and the store's): the
 * loader ({@link #from}) and --help read it.
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
 *     back the watermark; in a job that runs for ever, its event time then follows the wall clock,
 *     so a quiet network's last minute is written within idleness + one window of its end
 * @param allowedLateness {@code job.allowed-lateness}: a record this late after its window fired
 *     still updates it (the window is emitted again, complete); later ones go to late_flows
 * @param checkpointInterval {@code job.checkpoint-interval}: checkpoints are on by default; the
 *     exactly-once ClickHouse sink writes once per interval
 * @param checkpointDirectory {@code job.checkpoint-dir}: a file system URI for checkpoints
 *     (file:///var/lib/agentwatch/checkpoints, s3://...); null keeps them in the JobManager's
 *     memory, which survives task failures but not a JobManager restart
 * @param hostTrafficTopic {@code kafka.host-traffic-topic}: the sensors' per-host minute totals of the
 *     traffic they do not send as flow records (export scope ai), into host_traffic_1m; null for none
 * @param sink where and how rows are written
 * @param detection detector settings ({@code detect.*}); null ({@code job.detection=false}) turns
 *     detection off
 * @param kafkaClient Kafka client properties of every source and sink: security
 *     ({@code kafka.security-protocol}, {@code kafka.sasl-*}, {@code kafka.ssl-*}, as the sensor's)
 */
public record AgentWatchJobConfig(
    String bootstrapServers,
    String flowsTopic,
    String alertsTopic,
    String hostTrafficTopic,
    String consumerGroup,
    boolean bounded,
    Duration window,
    Duration outOfOrderness,
    Duration idleness,
    Duration allowedLateness,
    Duration checkpointInterval,
    String checkpointDirectory,
    ClickHouseSinkConfig sink,
    DetectionConfig detection,
    Map<String, String> kafkaClient) implements Serializable {

  /** The topic sensors send their per-host minute totals to, unless told otherwise (as the sensor's own default). */
  public static final String DEFAULT_HOST_TRAFFIC_TOPIC = "host-traffic";

  /** The defaults of every setting, but no host-traffic topic (a job built in code reads flow records only). */
  public static AgentWatchJobConfig defaults(String bootstrapServers, ClickHouseSinkConfig sink) {
    return new AgentWatchJobConfig(bootstrapServers, "flows", "alerts", null, "agentwatch-aggregation", false,
        Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
        Duration.ofSeconds(10), null, sink, DetectionConfig.defaults(), Map.of());
  }

  private static final AgentWatchJobConfig DEFAULTS = defaults(null, null);

  /** The job's own keys. */
  static final List<Setting> JOB_SETTINGS = List.of(
      Setting.value("kafka.bootstrap-servers", "host:port,...", null, "the Kafka cluster (required)"),
      Setting.value("kafka.flows-topic", "TOPIC", DEFAULTS.flowsTopic, "topic the sensors produce flow records to"),
      Setting.value("kafka.alerts-topic", "TOPIC", DEFAULTS.alertsTopic, "topic alerts go to; empty: alerts only go to ClickHouse"),
      Setting.value("kafka.host-traffic-topic", "TOPIC", DEFAULT_HOST_TRAFFIC_TOPIC,
          "topic of the sensors' per-host minute totals of traffic not sent as flow records (it must exist); empty: none"),
      Setting.value("job.consumer-group", "GROUP", DEFAULTS.consumerGroup,
          "Kafka consumer group, also the prefix of the alerts sink's transactional ids"),
      Setting.value("job.bounded", "BOOL", String.valueOf(DEFAULTS.bounded),
          "true: read the topic from its oldest record to its end at submission, then finish (backfill)"),
      Setting.value("job.parallelism", "N", null, "Flink parallelism of the job (default: the cluster's)"),
      Setting.value("job.window", "DURATION", ValueParsers.text(DEFAULTS.window), "length of the tumbling event-time windows"),
      Setting.value("job.out-of-orderness", "DURATION", ValueParsers.text(DEFAULTS.outOfOrderness),
          "how far behind the newest record a record may arrive and still count when its window first fires"),
      Setting.value("job.idleness", "DURATION", ValueParsers.text(DEFAULTS.idleness),
          "a partition silent this long stops holding back the watermark; then (unbounded job) event time follows the wall clock"),
      Setting.value("job.allowed-lateness", "DURATION", ValueParsers.text(DEFAULTS.allowedLateness),
          "a record this late after its window fired still updates it; later ones go to late_flows"),
      Setting.value("job.checkpoint-interval", "DURATION", ValueParsers.text(DEFAULTS.checkpointInterval),
          "checkpoint interval; the exactly-once sink writes once per interval"),
      Setting.value("job.checkpoint-dir", "URI", null,
          "checkpoint storage, e.g. file:///var/lib/agentwatch/checkpoints or s3://... (default: JobManager memory)"),
      Setting.value("job.detection", "BOOL", "true", "run the detectors (detect.*) and write alerts"));

  /** Every key the job reads: its own, then the detectors', the sink's and the store's. */
  public static final List<Setting> SETTINGS = concat(JOB_SETTINGS, KafkaClientSecurity.SETTINGS, DetectionConfig.SETTINGS,
      ClickHouseSinkConfig.SETTINGS, StoreConfig.SETTINGS);

  /**
   * The job's config from loaded settings (which must know {@link #SETTINGS});
   * {@code kafka.bootstrap-servers} may be left unset by a caller that fills it in, as the
   * one-machine stack does. Problems are recorded in {@code s}: call {@link #validate} through
   * {@link Settings#check}, then {@link Settings#throwIfProblems}.
   */
  public static AgentWatchJobConfig from(Settings s) {
    Map<String, String> kafkaClient = new LinkedHashMap<>();
    KafkaClientSecurity.addTo(s, kafkaClient);
    StoreConfig store = StoreConfig.from(s);
    ClickHouseSinkConfig sink = ClickHouseSinkConfig.from(s, store);
    boolean detection = Boolean.TRUE.equals(s.parse("job.detection", ValueParsers::bool));
    DetectionConfig detect = DetectionConfig.from(s);
    String alerts = s.text("kafka.alerts-topic");
    String hostTraffic = s.text("kafka.host-traffic-topic");
    AgentWatchJobConfig config = new AgentWatchJobConfig(s.text("kafka.bootstrap-servers"),
        s.text("kafka.flows-topic"),
        alerts == null || alerts.isEmpty() ? null : alerts,
        hostTraffic == null || hostTraffic.isEmpty() ? null : hostTraffic,
        s.text("job.consumer-group"),
        Boolean.TRUE.equals(s.parse("job.bounded", ValueParsers::bool)),
        s.parse("job.window", ValueParsers::duration),
        s.parse("job.out-of-orderness", ValueParsers::durationOrZero),
        s.parse("job.idleness", ValueParsers::duration),
        s.parse("job.allowed-lateness", ValueParsers::durationOrZero),
        s.parse("job.checkpoint-interval", ValueParsers::duration),
        s.text("job.checkpoint-dir"),
        sink,
        detection ? detect : null,
        kafkaClient);
    s.check(config::validateOwnKeys);
    s.check(store::validate);
    return config;
  }

  @SafeVarargs
  private static List<Setting> concat(List<Setting>... lists) {
    List<Setting> all = new ArrayList<>();
    for (List<Setting> list : lists) {
      all.addAll(list);
    }
    return List.copyOf(all);
  }

  /** Where alerts go on Kafka, or null when they go only to ClickHouse. */
  public AlertSinkConfig alertSink() {
    return alertsTopic == null ? null : new AlertSinkConfig(bootstrapServers, kafkaClient, alertsTopic,
        sink.delivery() == ClickHouseSinkConfig.Delivery.EXACTLY_ONCE, consumerGroup + "-alerts");
  }

  /** On another Kafka cluster: its brokers and the client properties (security) to reach them. */
  public AgentWatchJobConfig withKafka(String bootstrapServers, Map<String, String> kafkaClient) {
    return new AgentWatchJobConfig(bootstrapServers, flowsTopic, alertsTopic, hostTrafficTopic, consumerGroup, bounded, window,
        outOfOrderness, idleness, allowedLateness, checkpointInterval, checkpointDirectory, sink, detection, Map.copyOf(kafkaClient));
  }

  public AgentWatchJobConfig withBootstrapServers(String bootstrapServers) {
    return new AgentWatchJobConfig(bootstrapServers, flowsTopic, alertsTopic, hostTrafficTopic, consumerGroup, bounded, window,
        outOfOrderness, idleness, allowedLateness, checkpointInterval, checkpointDirectory, sink, detection, kafkaClient);
  }

  /** Writing to another store (the same tables), e.g. through this machine's ClickHouse HTTP interface. */
  public AgentWatchJobConfig withStore(StoreConfig store) {
    return new AgentWatchJobConfig(bootstrapServers, flowsTopic, alertsTopic, hostTrafficTopic, consumerGroup, bounded, window,
        outOfOrderness, idleness, allowedLateness, checkpointInterval, checkpointDirectory, sink.withStore(store), detection,
        kafkaClient);
  }

  public AgentWatchJobConfig withBounded(boolean bounded) {
    return new AgentWatchJobConfig(bootstrapServers, flowsTopic, alertsTopic, hostTrafficTopic, consumerGroup, bounded, window,
        outOfOrderness, idleness, allowedLateness, checkpointInterval, checkpointDirectory, sink, detection, kafkaClient);
  }

  public AgentWatchJobConfig withTopics(String flowsTopic, String alertsTopic) {
    return new AgentWatchJobConfig(bootstrapServers, flowsTopic, alertsTopic, hostTrafficTopic, consumerGroup, bounded, window,
        outOfOrderness, idleness, allowedLateness, checkpointInterval, checkpointDirectory, sink, detection, kafkaClient);
  }

  public AgentWatchJobConfig withCheckpoints(Duration interval, String directory) {
    return new AgentWatchJobConfig(bootstrapServers, flowsTopic, alertsTopic, hostTrafficTopic, consumerGroup, bounded, window,
        outOfOrderness, idleness, allowedLateness, interval, directory, sink, detection, kafkaClient);
  }

  public AgentWatchJobConfig withLateness(Duration outOfOrderness, Duration allowedLateness) {
    return new AgentWatchJobConfig(bootstrapServers, flowsTopic, alertsTopic, hostTrafficTopic, consumerGroup, bounded, window,
        outOfOrderness, idleness, allowedLateness, checkpointInterval, checkpointDirectory, sink, detection, kafkaClient);
  }

  public AgentWatchJobConfig withDetection(DetectionConfig detection) {
    return new AgentWatchJobConfig(bootstrapServers, flowsTopic, alertsTopic, hostTrafficTopic, consumerGroup, bounded, window,
        outOfOrderness, idleness, allowedLateness, checkpointInterval, checkpointDirectory, sink, detection, kafkaClient);
  }

  public AgentWatchJobConfig validate() {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("kafka.bootstrap-servers: missing");
    }
    validateOwnKeys();
    if (sink == null) {
      throw new IllegalArgumentException("sink: missing");
    }
    sink.validate();
    if (detection != null) {
      detection.validate();
    }
    return this;
  }

  /**
   * The job.* and kafka.* keys but the brokers (which a caller such as the one-machine stack may
   * fill in later); sink, store and detectors are checked by their own keys.
   */
  private AgentWatchJobConfig validateOwnKeys() {
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
    return this;
  }

  private static void notNegative(String key, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(key + ": " + value + " must not be negative");
    }
  }
}
