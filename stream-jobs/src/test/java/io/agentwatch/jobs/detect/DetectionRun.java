package io.agentwatch.jobs.detect;

import io.agentwatch.jobs.AgentWatchJobConfig;
import io.agentwatch.jobs.aggregate.HostVendorWindows;
import io.agentwatch.jobs.aggregate.WatermarkAfterEveryRecord;
import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * The job's aggregate and detectors over a labelled fleet's records, as {@code AgentWatchJob} runs
 * them: one reader in arrival order, the job's out-of-orderness (a watermark after every record,
 * so what is late does not depend on when Flink's periodic watermark runs), its window and allowed
 * lateness, object reuse, one task per operator, in a Flink MiniCluster. What the detection tests
 * share.
 */
final class DetectionRun {

  static final AgentWatchJobConfig JOB = AgentWatchJobConfig.defaults(null, null);

  private DetectionRun() {}

  /** Every alert record of the records {@code recordAt} gives for 0 … {@code records} − 1, in arrival order. */
  static List<ExposureAlert> alerts(String name, long records, MapFunction<Long, FlowRecord> recordAt,
      DetectionConfig config) throws Exception {
    Configuration flink = new Configuration();
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    // One task per operator: with two, a minute closes when the slower channel's watermark
    // arrives, which in a replay can be minutes of event time after the source's, so what a
    // minute held when it closed (and when an alert was raised) would depend on thread timing.
    env.setParallelism(1);
    env.getConfig().enableObjectReuse(); // as AgentWatchJob runs
    long behind = JOB.outOfOrderness().toMillis();
    DataStream<FlowRecord> flows = env.fromSequence(0, records - 1)
        .map(recordAt, new AvroTypeInfo<>(FlowRecord.class))
        .assignTimestampsAndWatermarks(WatermarkStrategy
            .<FlowRecord>forGenerator(context -> new WatermarkAfterEveryRecord(behind))
            .withTimestampAssigner((flow, previous) -> flow.getLastSeen().toEpochMilli()));
    DataStream<ExposureAlert> alerts = Detection.alerts(
        HostVendorWindows.of(flows, JOB.window(), JOB.allowedLateness()), JOB.window(), JOB.allowedLateness(), config);
    List<ExposureAlert> collected = new ArrayList<>();
    try (CloseableIterator<ExposureAlert> it = alerts.executeAndCollect(name)) {
      it.forEachRemaining(collected::add);
    }
    return collected;
  }

  /**
   * When an alert on a host's upload in a minute (upload-spike, fleet-outlier: their observed value
   * is that upload) was raised, in event time as the watermark tells it: replaying the host's
   * records in arrival order, the first moment the bytes known of that minute reached the observed
   * value — the minute's close (its window end) if they were all there by then, else the watermark
   * at the arrival of the late part that completed them (a revision raised it). Other detectors
   * judge a minute when it closes: their window end. The alert records alone cannot say (Flink's
   * watermark at the end of the pipeline lags behind the one the record met).
   */
  static final class ArrivalClock {
    private record Arrived(long first, long last, long bytesUp, long watermark) {}

    private final Map<String, List<Arrived>> byHost = new HashMap<>();

    /** @param records in arrival order */
    ArrivalClock(List<FlowRecord> records) {
      long newest = Long.MIN_VALUE;
      long behind = JOB.outOfOrderness().toMillis();
      for (FlowRecord r : records) {
        long watermark = newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest - behind - 1;
        newest = Math.max(newest, r.getLastSeen().toEpochMilli());
        byHost.computeIfAbsent(r.getHost(), h -> new ArrayList<>()).add(new Arrived(
            Math.min(r.getFirstSeen().toEpochMilli(), r.getLastSeen().toEpochMilli()), r.getLastSeen().toEpochMilli(),
            r.getVendor() == null ? 0 : r.getBytesUp(), watermark));
      }
    }

    long raisedAt(ExposureAlert alert) {
      long start = alert.getWindowStart().toEpochMilli();
      long end = alert.getWindowEnd().toEpochMilli();
      if (!alert.getDetector().equals(Alerts.UPLOAD_SPIKE) && !alert.getDetector().equals(Alerts.FLEET_OUTLIER)) {
        return end;
      }
      // The parts are split by whole bytes in the job (SpreadOverWindows): allow their rounding.
      double needed = alert.getObserved() * (1 - 1e-6) - 16;
      double known = 0;
      for (Arrived a : byHost.getOrDefault(alert.getHost(), List.of())) {
        known += part(a, start, end);
        if (known >= needed) {
          return a.watermark >= end - 1 ? a.watermark + 1 : end;
        }
      }
      throw new AssertionError("the records of " + alert.getHost() + " never add up to " + alert.getObserved()
          + " in the minute from " + alert.getWindowStart() + " (" + known + ")");
    }

    /** The record's upload in [start, end): its time is [first, last), an instant is at last (SpreadOverWindows). */
    private static double part(Arrived a, long start, long end) {
      if (a.first == a.last) {
        return a.last >= start && a.last < end ? a.bytesUp : 0;
      }
      long overlap = Math.min(a.last, end) - Math.max(a.first, start);
      return overlap <= 0 ? 0 : (double) a.bytesUp * overlap / (a.last - a.first);
    }
  }
}
