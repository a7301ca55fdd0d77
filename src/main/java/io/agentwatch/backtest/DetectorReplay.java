package io.agentwatch.backtest;

import io.agentwatch.jobs.detect.Detection;
import io.agentwatch.jobs.detect.DetectionConfig;
import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.HostVendorWindow;
import io.agentwatch.schema.SchemaTrust;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Stored windows through the job's own detectors ({@link Detection#alerts}, the same operators in
 * the same order, with their state and timers) in a local Flink MiniCluster: the alerts those
 * settings would have raised. Each window is one record with the event time the job's window
 * operator gives a firing (its end minus 1 ms), in time order, so the detectors see event time
 * pass as the job did; the end of the input closes every open incident.
 */
public final class DetectorReplay {

  static {
    SchemaTrust.ensure();
  }

  private DetectorReplay() {}

  /** Every alert record (each state of each incident) of {@code windows}, which must be in time order. */
  public static List<ExposureAlert> alerts(List<HostVendorWindow> windows, Duration window, DetectionConfig config)
      throws Exception {
    List<ExposureAlert> alerts = new ArrayList<>();
    if (windows.isEmpty()) {
      return alerts;
    }
    Configuration flink = new Configuration();
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    // One slot: the windows are already in order, and one task per operator is the cheapest way through.
    env.setParallelism(1);
    env.getConfig().enableObjectReuse(); // as AgentWatchJob runs
    DataStream<HostVendorWindow> source = env
        .fromData(new AvroTypeInfo<>(HostVendorWindow.class), windows.toArray(HostVendorWindow[]::new))
        .assignTimestampsAndWatermarks(WatermarkStrategy.<HostVendorWindow>forMonotonousTimestamps()
            .withTimestampAssigner((w, previous) -> w.getWindowEnd().toEpochMilli() - 1));
    try (CloseableIterator<ExposureAlert> it = Detection.alerts(source, window, config).executeAndCollect("backtest")) {
      it.forEachRemaining(alerts::add);
    }
    return alerts;
  }
}
