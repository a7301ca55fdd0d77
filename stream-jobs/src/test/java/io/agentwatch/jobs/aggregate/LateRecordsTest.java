package io.agentwatch.jobs.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.HostVendorWindow;
import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.schema.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * Allowed lateness: a record that arrives after its window fired, but within the allowed lateness,
 * makes the window fire again with its complete totals (the store keeps that newest state); a
 * record later than that goes to the side output (counted and written to late_flows by the job),
 * never silently dropped. Watermarks follow every record here, so the order is exact.
 */
class LateRecordsTest {

  static {
    SchemaTrust.ensure();
  }

  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");

  /** Minutes after T0 of each record, in arrival order. */
  private static final long[] SECONDS = {
      10, 20,          // window 09:00, fires when the watermark passes 09:01
      130, 250,        // 09:02, 09:04: the watermark reaches 09:04:10
      30,              // back to 09:00: 3 minutes after its window closed, within 5 minutes → update
      610,             // 09:10: the watermark moves to 09:10:10
      40};             // 09:00 again: 9 minutes late, beyond 5 → too late

  @Test
  void aRecordWithinTheAllowedLatenessUpdatesItsWindowAndALaterOneGoesToTheSideOutput() throws Exception {
    Configuration flink = new Configuration();
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    env.setParallelism(1);
    env.getConfig().enableObjectReuse(); // as AgentWatchJob runs
    DataStream<FlowRecord> flows = env.fromSequence(0, SECONDS.length - 1)
        .map(new RecordAt(), new AvroTypeInfo<>(FlowRecord.class))
        .assignTimestampsAndWatermarks(WatermarkStrategy
            .<FlowRecord>forGenerator(context -> new WatermarkAfterEveryRecord(0))
            .withTimestampAssigner((flow, previous) -> flow.getLastSeen().toEpochMilli()));
    SingleOutputStreamOperator<HostVendorWindow> windows =
        HostVendorWindows.of(flows, Duration.ofMinutes(1), Duration.ofMinutes(5));
    DataStream<String> both = windows.map(w -> "window " + w.getWindowStart() + " flows=" + w.getFlows()
            + " up=" + w.getBytesUp())
        .union(windows.getSideOutput(HostVendorWindows.TOO_LATE).map(part -> "too late " + part.lastSeen()));

    List<String> out = new ArrayList<>();
    try (CloseableIterator<String> it = both.executeAndCollect("late records")) {
      it.forEachRemaining(out::add);
    }
    // The two streams interleave in any order; each keeps its own.
    assertEquals(List.of(
        "window 2026-11-02T09:00:00Z flows=2 up=30",
        "window 2026-11-02T09:02:00Z flows=1 up=130",
        "window 2026-11-02T09:00:00Z flows=3 up=60",
        "window 2026-11-02T09:04:00Z flows=1 up=250",
        "window 2026-11-02T09:10:00Z flows=1 up=610"), out.stream().filter(o -> o.startsWith("window")).toList());
    assertEquals(List.of("too late 2026-11-02T09:00:40Z"), out.stream().filter(o -> o.startsWith("too late")).toList());
  }

  /** Each record's bytes_up is its second offset, so sums show which records a window holds. */
  private static final class RecordAt implements MapFunction<Long, FlowRecord> {
    @Override
    public FlowRecord map(Long i) {
      long s = SECONDS[i.intValue()];
      Instant at = T0.plusSeconds(s);
      return FlowRecord.newBuilder().setSensorId("s").setSequence(i).setHost("h").setSrcIp("10.0.0.1").setSrcPort(1)
          .setDstIp("160.79.104.10").setDstPort(443).setTransport(Transport.TCP).setFirstSeen(at).setLastSeen(at)
          .setPacketsUp(1).setPacketsDown(1).setBytesUp(s).setBytesDown(0).setVendor("anthropic")
          .setService("anthropic-api").setIdentifiedBy(Evidence.SNI).setEndReason(EndReason.FIN).build();
    }
  }
}
