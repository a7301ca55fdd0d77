package io.agentwatch.jobs.aggregate;

import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.HostVendorWindow;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

/**
 * The aggregation stage: AI-vendor flows, spread over the windows they lasted
 * ({@link SpreadOverWindows}), summed per window and key inside the source's subtask until the
 * watermark closes the window ({@link CombineParts}), into per host × vendor × service event-time
 * windows.
 */
public final class HostVendorWindows {

  public static final TypeInformation<FlowPart> PART = FlowPartSerializer.TYPE;

  /** Parts of flow records whose window had closed for good (later than the allowed lateness). */
  public static final OutputTag<FlowPart> TOO_LATE =
      new OutputTag<>("flow parts later than the allowed lateness", PART);

  private HostVendorWindows() {}

  /**
   * The window aggregate alone (no sinks): AI-vendor flows spread over the windows between their
   * first_seen and last_seen, combined per window and key before the shuffle, keyed by host, vendor and service into tumbling event-time windows;
   * parts later than {@code allowedLateness} go to the side output {@link #TOO_LATE}.
   */
  public static SingleOutputStreamOperator<HostVendorWindow> of(DataStream<FlowRecord> flows,
      Duration window, Duration allowedLateness) {
    return parts(flows, window)
        .keyBy(HostVendorKey::of)
        .window(TumblingEventTimeWindows.of(window))
        .allowedLateness(allowedLateness)
        .sideOutputLateData(TOO_LATE)
        .aggregate(new HostVendorAccumulator(), new EmitHostVendorWindow(),
            WindowTotalsSerializer.TYPE, WindowTotalsSerializer.TYPE,
            new AvroTypeInfo<>(HostVendorWindow.class))
        .name("host × vendor × service windows");
  }

  /**
   * What crosses the keyBy into the windows: the AI-vendor flows' parts ({@link SpreadOverWindows}),
   * combined per window and key until the watermark closes the window ({@link CombineParts}); a
   * part whose window has already fired goes on alone.
   */
  public static DataStream<FlowPart> parts(DataStream<FlowRecord> flows, Duration window) {
    return flows
        .filter(flow -> flow.getVendor() != null).name("AI vendors only")
        .transform("spread over windows", PART, new SpreadOverWindows(window.toMillis()))
        .transform("combine parts per window and key", PART, new CombineParts(window.toMillis()));
  }

  /**
   * The windows as {@code host_vendor_service_1m} stores them: only the newest firing of each
   * window per checkpoint ({@link NewestFirings}).
   */
  public static DataStream<HostVendorWindow> forStore(DataStream<HostVendorWindow> windows) {
    return windows.transform("newest firing per checkpoint", windows.getType(), new NewestFirings());
  }
}
