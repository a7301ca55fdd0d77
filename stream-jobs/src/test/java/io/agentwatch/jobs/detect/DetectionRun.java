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
 * lateness, object reuse, parallelism 2 (or 1), in a Flink MiniCluster. What the detection tests share.
 */
final class DetectionRun {

  static final AgentWatchJobConfig JOB = AgentWatchJobConfig.defaults(null, null);

  private DetectionRun() {}

  /** Every alert record of the records {@code recordAt} gives for 0 … {@code records} − 1, in arrival order. */
  static List<ExposureAlert> alerts(String name, long records, MapFunction<Long, FlowRecord> recordAt,
      DetectionConfig config) throws Exception {
    return alerts(name, records, recordAt, config, 2);
  }

  /**
   * With {@code parallelism} 1 every operator reads one channel, so a late part always finds its
   * minute already judged; with 2 (the job's default here) it may reach the host minute before the
   * other channel's watermark closes it, and be judged with it. Both are right; a test of the
   * revision itself needs 1.
   */
  static List<ExposureAlert> alerts(String name, long records, MapFunction<Long, FlowRecord> recordAt,
      DetectionConfig config, int parallelism) throws Exception {
    Configuration flink = new Configuration();
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    env.setParallelism(parallelism);
    env.getConfig().enableObjectReuse(); // as AgentWatchJob runs
    long behind = JOB.outOfOrderness().toMillis();
    DataStream<FlowRecord> flows = env.fromSequence(0, records - 1).setParallelism(1)
        .map(recordAt, new AvroTypeInfo<>(FlowRecord.class)).setParallelism(1)
        .assignTimestampsAndWatermarks(WatermarkStrategy
            .<FlowRecord>forGenerator(context -> new WatermarkAfterEveryRecord(behind))
            .withTimestampAssigner((flow, previous) -> flow.getLastSeen().toEpochMilli()))
        .setParallelism(1);
    DataStream<ExposureAlert> alerts = Detection.alerts(
        HostVendorWindows.of(flows, JOB.window(), JOB.allowedLateness()), JOB.window(), JOB.allowedLateness(), config);
    List<ExposureAlert> collected = new ArrayList<>();
    try (CloseableIterator<ExposureAlert> it = alerts.executeAndCollect(name)) {
      it.forEachRemaining(collected::add);
    }
    return collected;
  }

  /**
   * When an alert can have been raised at the latest, in event time as the watermark tells it:
   * the end of its window, or, when a record of its host with bytes in that window arrived after
   * the window had closed (a late part that revised the minute), the watermark at that record's
   * arrival. An upper bound (the alert may have been raised before that part arrived), so a time
   * to alert measured with it is never flattering; the alert records alone cannot say (Flink's
   * watermark at the end of the pipeline lags behind the one the record met).
   */
  static final class ArrivalClock {
    private record Arrived(long first, long last, long watermark) {}

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
            watermark));
      }
    }

    long raisedAt(ExposureAlert alert) {
      long start = alert.getWindowStart().toEpochMilli();
      long end = alert.getWindowEnd().toEpochMilli();
      long raised = end;
      for (Arrived a : byHost.getOrDefault(alert.getHost(), List.of())) {
        // A record's time is [first, last), an instant is at last (SpreadOverWindows).
        boolean inWindow = a.first == a.last ? a.last >= start && a.last < end : a.first < end && a.last > start;
        if (inWindow && a.watermark >= end - 1) {
          raised = Math.max(raised, a.watermark + 1);
        }
      }
      return raised;
    }
  }
}
