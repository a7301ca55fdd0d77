package io.agentwatch.jobs.aggregate;

import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.HostVendorWindow;
import java.time.Duration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

/** The aggregation stage: AI-vendor flows into per host × vendor × service event-time windows. */
public final class HostVendorWindows {

  public static final OutputTag<FlowRecord> TOO_LATE =
      new OutputTag<>("flows later than the allowed lateness", new AvroTypeInfo<>(FlowRecord.class));

  private HostVendorWindows() {}

  /**
   * The window aggregate alone (no sinks): AI-vendor flows keyed by host, vendor and service into
   * tumbling event-time windows; records later than {@code allowedLateness} go to the side output
   * {@link #TOO_LATE}.
   */
  public static SingleOutputStreamOperator<HostVendorWindow> of(DataStream<FlowRecord> flows,
      Duration window, Duration allowedLateness) {
    return flows
        .filter(flow -> flow.getVendor() != null).name("AI vendors only")
        .keyBy(HostVendorKey::of)
        .window(TumblingEventTimeWindows.of(window))
        .allowedLateness(allowedLateness)
        .sideOutputLateData(TOO_LATE)
        .aggregate(new HostVendorAccumulator(), new EmitHostVendorWindow(),
            WindowTotalsSerializer.TYPE, WindowTotalsSerializer.TYPE,
            new AvroTypeInfo<>(HostVendorWindow.class))
        .name("host × vendor × service windows");
  }
}
