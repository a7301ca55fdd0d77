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
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * Before the keyBy, the parts of one host × vendor × service × window are summed into one until
 * the watermark closes the window, so the shuffle and the window operator see a part per window
 * and key rather than per record; a record whose window has already fired still goes on alone and
 * fires its window again. The windows are the same as without combining. Watermarks follow every
 * record, so what is late does not depend on timing.
 */
class CombinePartsTest {

  static {
    SchemaTrust.ensure();
  }

  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  private static final int PER_MINUTE = 50;

  /** Arrival order: 50 records of each of two hosts in 09:00, 50 of h in 09:01, then one of h late for 09:00. */
  private static final List<Record> RECORDS = records();

  private record Record(String host, long second) {}

  private static List<Record> records() {
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < PER_MINUTE; i++) {
      records.add(new Record("h", i));
      records.add(new Record("g", i));
    }
    for (int i = 0; i < PER_MINUTE; i++) {
      records.add(new Record("h", 60 + i));
    }
    records.add(new Record("h", 59)); // the watermark is past 09:01 by now: its window fired already
    return records;
  }

  @Test
  void partsOfOneWindowAndKeyCrossTheShuffleAsOneAndALateOneAlone() throws Exception {
    List<String> parts = new ArrayList<>();
    try (CloseableIterator<FlowPart> it = HostVendorWindows.parts(flows(), Duration.ofMinutes(1)).executeAndCollect("parts")) {
      it.forEachRemaining(part -> parts.add(part.combined != null
          ? "combined " + part.host + " " + Instant.ofEpochMilli(part.windowStart) + " flows=" + part.combined.flows
              + " up=" + part.combined.bytesUp + " destinations=" + part.combined.destinations.length
          : "alone " + part.host + " " + part.lastSeen() + " up=" + part.bytesUp));
    }
    long up0 = upTo(PER_MINUTE);
    // Sorted: the parts of different keys that one watermark sends go in no set order.
    assertEquals(List.of(
        "alone h 2026-11-02T09:00:59Z up=59",
        "combined g 2026-11-02T09:00:00Z flows=50 up=" + up0 + " destinations=1",
        "combined h 2026-11-02T09:00:00Z flows=50 up=" + up0 + " destinations=1",
        "combined h 2026-11-02T09:01:00Z flows=50 up=" + (upTo(60 + PER_MINUTE) - upTo(60)) + " destinations=1"),
        parts.stream().sorted().toList(), "one part per window and key, and the late record alone");
  }

  @Test
  void theWindowsAreThoseOfEveryRecord() throws Exception {
    List<String> windows = new ArrayList<>();
    DataStream<HostVendorWindow> fired = HostVendorWindows.of(flows(), Duration.ofMinutes(1), Duration.ofMinutes(5));
    try (CloseableIterator<HostVendorWindow> it = fired.executeAndCollect("windows")) {
      it.forEachRemaining(w -> windows.add(w.getHost() + " " + w.getWindowStart() + " flows=" + w.getFlows()
          + " up=" + w.getBytesUp() + " max=" + w.getMaxUpload() + " top=" + w.getTopUploads().get(0).getBytesUp()));
    }
    long up0 = upTo(PER_MINUTE);
    assertEquals(List.of(
        "g 2026-11-02T09:00:00Z flows=50 up=" + up0 + " max=49 top=49",
        "h 2026-11-02T09:00:00Z flows=50 up=" + up0 + " max=49 top=49",
        "h 2026-11-02T09:00:00Z flows=51 up=" + (up0 + 59) + " max=59 top=59",
        "h 2026-11-02T09:01:00Z flows=50 up=" + (upTo(60 + PER_MINUTE) - upTo(60)) + " max=109 top=109"),
        windows.stream().sorted().toList(), "each window fires with every record in it, the late one fires its window again");
  }

  /** The sum of bytes_up of seconds 0 .. n-1 (each record's bytes_up is its second). */
  private static long upTo(long n) {
    return n * (n - 1) / 2;
  }

  private static DataStream<FlowRecord> flows() {
    Configuration flink = new Configuration();
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    env.setParallelism(1);
    env.getConfig().enableObjectReuse(); // as AgentWatchJob runs
    return env.fromSequence(0, RECORDS.size() - 1)
        .map(new RecordAt(), new AvroTypeInfo<>(FlowRecord.class))
        .assignTimestampsAndWatermarks(WatermarkStrategy
            .<FlowRecord>forGenerator(context -> new WatermarkAfterEveryRecord(0))
            .withTimestampAssigner((flow, previous) -> flow.getLastSeen().toEpochMilli()));
  }

  /** Each record's bytes_up is its second after 09:00, so sums show which records a window holds. */
  private static final class RecordAt implements MapFunction<Long, FlowRecord> {
    @Override
    public FlowRecord map(Long i) {
      Record r = RECORDS.get(i.intValue());
      Instant at = T0.plusSeconds(r.second());
      return FlowRecord.newBuilder().setSensorId("s").setSequence(i).setHost(r.host()).setSrcIp("10.0.0.1").setSrcPort(1)
          .setDstIp("160.79.104.10").setDstPort(443).setTransport(Transport.TCP).setFirstSeen(at).setLastSeen(at)
          .setPacketsUp(1).setPacketsDown(1).setBytesUp(r.second()).setBytesDown(0).setVendor("anthropic")
          .setService("anthropic-api").setIdentifiedBy(Evidence.SNI).setEndReason(EndReason.FIN).build();
    }
  }
}
