package io.agentwatch.jobs.aggregate;

import io.agentwatch.jobs.sink.ClickHouseSink;
import io.agentwatch.jobs.sink.TableEncoder;
import io.agentwatch.jobs.source.FlowRecordDeserializer;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.HostVendorWindow;
import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.store.FlowRows;
import io.agentwatch.store.HostVendorWindowRows;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Flow records in, per host × vendor × minute totals out:
 *
 * <pre>
 *   flows topic ─┬─────────────────────────────────────────────────→ ClickHouse flows
 *                └─ AI vendors only → key (host, vendor) → 1-minute
 *                   event-time windows → sums ─────────────────────→ ClickHouse host_vendor_1m
 * </pre>
 *
 * A flow record's event time is its {@code last_seen}: records are reported when their counts
 * are complete, so last_seen advances with the stream and the watermark can follow it.
 */
public final class AggregationJob {

  static {
    SchemaTrust.ensure();
  }

  static final TableEncoder<FlowRecord> FLOW_ROWS =
      new TableEncoder<>(FlowRows.TABLE, FlowRows.COLUMNS, FlowRows::encode);
  static final TableEncoder<HostVendorWindow> WINDOW_ROWS =
      new TableEncoder<>(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, HostVendorWindowRows::encode);

  private AggregationJob() {}

  /** Adds the job's operators to {@code env}; the caller executes it. */
  public static void build(StreamExecutionEnvironment env, AggregationJobConfig config) {
    config.validate();
    KafkaSourceBuilder<FlowRecord> source = KafkaSource.<FlowRecord>builder()
        .setBootstrapServers(config.bootstrapServers())
        .setTopics(config.flowsTopic())
        .setGroupId(config.consumerGroup())
        .setDeserializer(new FlowRecordDeserializer());
    if (config.bounded()) {
      source.setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest());
    } else {
      // Resume where the group left off; a new group starts at the oldest record kept.
      source.setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
    }

    // On the source, so watermarks are tracked per Kafka partition.
    WatermarkStrategy<FlowRecord> watermarks = WatermarkStrategy
        .<FlowRecord>forBoundedOutOfOrderness(config.outOfOrderness())
        .withTimestampAssigner((flow, previous) -> flow.getLastSeen().toEpochMilli())
        .withIdleness(config.idleness());

    DataStream<FlowRecord> flows = env.fromSource(source.build(), watermarks, "flows topic");

    flows.sinkTo(new ClickHouseSink<>(config.sink(), FLOW_ROWS))
        .name("ClickHouse " + FLOW_ROWS.table());

    flows.filter(flow -> flow.getVendor() != null).name("AI vendors only")
        .keyBy(HostVendorKey::of)
        .window(TumblingEventTimeWindows.of(config.window()))
        .aggregate(new HostVendorAccumulator(), new EmitHostVendorWindow(),
            TypeInformation.of(HostVendorAccumulator.Totals.class),
            TypeInformation.of(HostVendorAccumulator.Totals.class),
            new AvroTypeInfo<>(HostVendorWindow.class))
        .name("host × vendor windows")
        .sinkTo(new ClickHouseSink<>(config.sink(), WINDOW_ROWS))
        .name("ClickHouse " + WINDOW_ROWS.table());
  }
}
