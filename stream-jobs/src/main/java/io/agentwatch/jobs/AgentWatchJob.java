package io.agentwatch.jobs;

import io.agentwatch.config.KafkaClientSecurity;
import io.agentwatch.jobs.aggregate.FlowPart;
import io.agentwatch.jobs.aggregate.HostVendorWindows;
import io.agentwatch.jobs.alert.AlertKafkaSink;
import io.agentwatch.jobs.deadletter.DeadLetterLog;
import io.agentwatch.jobs.detect.Detection;
import io.agentwatch.jobs.hosttraffic.HostTrafficBranch;
import io.agentwatch.jobs.sink.ClickHouseSink;
import io.agentwatch.jobs.sink.TableEncoder;
import io.agentwatch.jobs.source.DropResentDuplicates;
import io.agentwatch.jobs.source.FlowMessage;
import io.agentwatch.jobs.source.FlowRecordDeserializer;
import io.agentwatch.jobs.source.QuietTimeWatermarks;
import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.HostVendorWindow;
import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.store.AlertRows;
import io.agentwatch.store.DeadLetter;
import io.agentwatch.store.DeadLetterRows;
import io.agentwatch.store.FlowRows;
import io.agentwatch.store.HostVendorWindowRows;
import io.agentwatch.store.LateFlowRows;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The job, composed from its stages: {@code source/} (the flows topic, re-sent copies dropped) →
 * {@code aggregate/} (host × vendor × service windows) → {@code detect/} (alerts from the windows)
 * → {@code alert/} (alerts to Kafka) and {@code sink/} (every stream to ClickHouse). Each stage
 * knows only what it consumes; the wiring is here. Flow records in; per host × vendor × service
 * minutes, late flows and alerts out:
 *
 * <pre>
 *   flows topic ─┬─ not a flow record ─────────────────────────────────→ ClickHouse dead_letters
 *                ├──────────────────────────────────────────────────────→ ClickHouse flows
 *                └─ AI vendors only → spread over the minutes they lasted → key (host,
 *                   vendor, service) → 1-minute event-time windows
 *                   (+ allowed lateness) ────────────────────┬──────────→ ClickHouse host_vendor_service_1m
 *                        │                                   └─ detectors ─┬→ ClickHouse alerts
 *                        └─ later than allowed: count ──→ ClickHouse       └→ Kafka alerts (ExposureAlert)
 *                                                          late_flows
 * </pre>
 *
 * Beside it, the host-traffic topic (sensors' per-host minute totals of the traffic they do not
 * send as flow records) goes straight to ClickHouse host_traffic_1m ({@code hosttraffic/}).
 * Copies a sensor sent again after a failure are dropped first, right after the topic.
 * A flow record's event time is its {@code last_seen}: records are reported when their counts
 * are complete, so last_seen advances with the stream and the watermark can follow it. The
 * windows see each record as parts, one per minute it lasted, each with its own minute's time.
 */
public final class AgentWatchJob {

  static {
    SchemaTrust.ensure();
  }

  static final TableEncoder<FlowRecord> FLOW_ROWS =
      new TableEncoder<>(FlowRows.TABLE, FlowRows.COLUMNS, FlowRows::encode)
          .withOrigin(FlowRecord::getSensorId, FlowRecord::getSequence);
  public static final TableEncoder<HostVendorWindow> WINDOW_ROWS =
      new TableEncoder<>(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, HostVendorWindowRows::encode);
  /** The parts of flow records that missed their window for good. */
  public static final TableEncoder<FlowPart> LATE_ROWS = new TableEncoder<>(LateFlowRows.TABLE, LateFlowRows.COLUMNS,
      (out, part) -> LateFlowRows.encode(out, part.sensorId, part.sequence, part.host, part.vendor, part.service,
          part.dstIp, part.lastSeen(), Instant.ofEpochMilli(part.windowStart), part.bytesUp, part.bytesDown));
  static final TableEncoder<ExposureAlert> ALERT_ROWS =
      new TableEncoder<>(AlertRows.TABLE, AlertRows.COLUMNS, AlertRows::encode);
  static final TableEncoder<DeadLetter> DEAD_LETTER_ROWS =
      new TableEncoder<>(DeadLetterRows.TABLE, DeadLetterRows.COLUMNS, DeadLetterRows::encode);

  private AgentWatchJob() {}

  /**
   * Flink settings the job needs from its environment: checkpointing on, at the configured
   * interval and storage. Pass them to {@code getExecutionEnvironment} (MiniCluster) or they are
   * applied by {@link #build} on a cluster.
   */
  public static Configuration flinkSettings(AgentWatchJobConfig config) {
    Configuration flink = new Configuration();
    flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpointInterval());
    if (config.checkpointDirectory() != null) {
      flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
      flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointDirectory());
    }
    return flink;
  }

  /** Adds the job's operators to {@code env}; the caller executes it. */
  public static void build(StreamExecutionEnvironment env, AgentWatchJobConfig config) {
    build(env, config, UnaryOperator.identity());
  }

  /**
   * Like {@link #build(StreamExecutionEnvironment, AgentWatchJobConfig)}, with {@code afterSource}
   * applied to the flow records before anything else (tests use it to fail the job mid-stream).
   */
  public static void build(StreamExecutionEnvironment env, AgentWatchJobConfig config,
      UnaryOperator<DataStream<FlowRecord>> afterSource) {
    DataStream<FlowRecord> flows = afterSource.apply(flowRecords(env, config));
    rawFlows(flows, config);

    DataStream<HostVendorWindow> windows = windows(flows, config);
    if (config.detection() != null) {
      DataStream<ExposureAlert> alerts = Detection.alerts(windows, config.window(), config.allowedLateness(), config.detection());
      alerts.sinkTo(new ClickHouseSink<>(config.sink(), ALERT_ROWS)).name("ClickHouse " + ALERT_ROWS.table());
      if (config.alertSink() != null) {
        alerts.sinkTo(AlertKafkaSink.create(config.alertSink())).name("Kafka " + config.alertsTopic());
      }
    }
    if (config.hostTrafficTopic() != null) {
      HostTrafficBranch.build(env, config);
    }
  }

  /**
   * The job's source alone: configures {@code env} as the job needs (checkpointing, object reuse)
   * and returns the flow records of the flows topic, with watermarks per Kafka partition, without
   * the copies sensors send again after a failure ({@link DropResentDuplicates}). Messages that
   * are no flow record go to the dead_letters table from here, so every job on the topic keeps them.
   */
  public static DataStream<FlowRecord> flowRecords(StreamExecutionEnvironment env, AgentWatchJobConfig config) {
    config.validate();
    env.configure(flinkSettings(config));
    // Chained operators get the upstream object itself instead of a deep copy (the Avro copy of
    // every flow record cost ~15% of the job's CPU). Safe because no operator here changes a
    // record it was given or keeps one past the call; across a keyBy records are new objects anyway.
    env.getConfig().enableObjectReuse();
    SingleOutputStreamOperator<FlowRecord> records = env.fromSource(kafkaSource(config), watermarks(config), "flows topic")
        .process(new DropResentDuplicates(config.bounded()), new AvroTypeInfo<>(FlowRecord.class)).name("drop re-sent copies");
    records.getSideOutput(DeadLetterLog.DEAD_LETTERS)
        .sinkTo(new ClickHouseSink<>(config.sink(), DEAD_LETTER_ROWS)).name("ClickHouse " + DeadLetterRows.TABLE);
    return records;
  }

  /** Every flow record, late or not, into the {@code flows} table. */
  public static void rawFlows(DataStream<FlowRecord> flows, AgentWatchJobConfig config) {
    flows.sinkTo(new ClickHouseSink<>(config.sink(), FLOW_ROWS)).name("ClickHouse " + FLOW_ROWS.table());
  }

  /**
   * AI-vendor flows, spread over the windows they lasted → per host × vendor × service windows
   * (written to ClickHouse); parts of records later than the allowed lateness are counted and
   * written to late_flows. Returns the windows, every
   * firing of them (a late update emits the window again).
   */
  private static DataStream<HostVendorWindow> windows(DataStream<FlowRecord> flows, AgentWatchJobConfig config) {
    SingleOutputStreamOperator<HostVendorWindow> windows =
        HostVendorWindows.of(flows, config.window(), config.allowedLateness());
    HostVendorWindows.forStore(windows)
        .sinkTo(new ClickHouseSink<>(config.sink(), WINDOW_ROWS)).name("ClickHouse " + WINDOW_ROWS.table());

    windows.getSideOutput(HostVendorWindows.TOO_LATE)
        .map(new CountLate(), HostVendorWindows.PART).name("count late flow parts")
        .sinkTo(new ClickHouseSink<>(config.sink(), LATE_ROWS)).name("ClickHouse " + LATE_ROWS.table());
    return windows;
  }

  private static KafkaSource<FlowMessage> kafkaSource(AgentWatchJobConfig config) {
    KafkaSourceBuilder<FlowMessage> source = KafkaSource.<FlowMessage>builder()
        .setBootstrapServers(config.bootstrapServers())
        .setProperties(KafkaClientSecurity.asProperties(config.kafkaClient()))
        .setTopics(config.flowsTopic())
        .setGroupId(config.consumerGroup())
        .setDeserializer(new FlowRecordDeserializer());
    if (config.bounded()) {
      source.setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest());
    } else {
      // Resume where the group left off; a new group starts at the oldest record kept.
      source.setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
    }
    return source.build();
  }

  /**
   * On the source, so watermarks are tracked per Kafka partition. A job that runs for ever lets
   * event time follow the wall clock on a quiet partition ({@link QuietTimeWatermarks}), so the
   * last minutes close; a bounded one closes them at the end of its input.
   */
  public static WatermarkStrategy<FlowMessage> watermarks(AgentWatchJobConfig config) {
    // A dead letter has no event time: the smallest one leaves the watermark where it is.
    SerializableTimestampAssigner<FlowMessage> eventTime = (message, previous) ->
        message.record == null ? Long.MIN_VALUE : message.record.getLastSeen().toEpochMilli();
    if (!config.bounded()) {
      return QuietTimeWatermarks.strategy(config.outOfOrderness(), config.idleness(), eventTime);
    }
    return WatermarkStrategy
        .<FlowMessage>forBoundedOutOfOrderness(config.outOfOrderness())
        .withTimestampAssigner(eventTime)
        .withIdleness(config.idleness());
  }

  /** Counts record parts that missed their window for good ({@code lateFlowParts}), passing them on. */
  private static final class CountLate extends RichMapFunction<FlowPart, FlowPart> {
    private transient Counter late;

    @Override
    public void open(OpenContext context) {
      late = getRuntimeContext().getMetricGroup().counter("lateFlowParts");
    }

    @Override
    public FlowPart map(FlowPart part) {
      late.inc();
      return part;
    }
  }
}
