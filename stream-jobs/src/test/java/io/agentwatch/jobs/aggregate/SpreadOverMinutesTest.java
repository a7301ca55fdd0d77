package io.agentwatch.jobs.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.jobs.AgentWatchJob;
import io.agentwatch.jobs.sink.ClickHouseSink;
import io.agentwatch.jobs.sink.ClickHouseSinkConfig;
import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.HostVendorWindow;
import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.schema.Transport;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes land in the minutes they were sent: flow records that last several minutes, through the
 * job's aggregation on a Flink MiniCluster (the job's watermarks: 30 s out of order, 5 min allowed
 * lateness; a watermark after every record, so what is late does not depend on timing) and its
 * exactly-once sink into host_vendor_service_1m on the real engine (chDB), read
 * back as the named queries read it (FINAL).
 */
class SpreadOverMinutesTest {

  static {
    SchemaTrust.ensure();
  }

  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  private static final int RANDOM_RECORDS = 400;

  @TempDir static Path dir;
  private static ClickHouseStore store;
  private static final List<FlowRecord> RECORDS = new ArrayList<>();

  @BeforeAll
  static void runTheAggregationOverLongFlows() throws Exception {
    long sequence = 0;
    // A steady 10-minute upload reported by a sensor with a 5-minute active timeout: two records.
    RECORDS.add(flow("steady-upload", ++sequence, T0, T0.plusSeconds(300), 30_000_000, 300_000, 20_000, 10_000));
    RECORDS.add(flow("steady-upload", ++sequence, T0.plusSeconds(300), T0.plusSeconds(600), 30_000_000, 300_000, 20_000, 10_000));
    // The same upload as one record of 10 minutes (an exporter with a longer active timeout): its
    // first minutes are more than the allowed lateness behind the watermark when it arrives.
    RECORDS.add(flow("ten-minute-record", ++sequence, T0, T0.plusSeconds(600), 60_000_000, 600_000, 40_000, 20_000));
    // A record within one minute.
    RECORDS.add(flow("short-flow", ++sequence, T0.plusSeconds(1210), T0.plusSeconds(1250), 12_345, 678, 9, 7));
    // Records of odd sizes lasting 0 to 5 minutes at odd times, as an old sensor sends them.
    Random random = new Random(15);
    for (int i = 0; i < RANDOM_RECORDS; i++) {
      Instant first = T0.plusMillis(random.nextInt(1_800_000));
      Instant last = first.plusMillis(random.nextInt(5) == 0 ? 0 : random.nextInt(300_000));
      RECORDS.add(flow("many-flows", ++sequence, first, last, random.nextInt(50_000_000), random.nextInt(5_000_000),
          random.nextInt(40_000), random.nextInt(20_000)));
    }
    // In the order a sensor reports them: by last_seen.
    RECORDS.sort(Comparator.comparing(FlowRecord::getLastSeen));

    store = EmbeddedChdbStore.open(dir);
    Migrations.bundled(store).apply();
    Configuration flink = new Configuration();
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    env.setParallelism(1);
    env.getConfig().enableObjectReuse(); // as AgentWatchJob runs
    SingleOutputStreamOperator<HostVendorWindow> windows = HostVendorWindows.of(
        env.fromData(RECORDS, new AvroTypeInfo<>(FlowRecord.class)).assignTimestampsAndWatermarks(WatermarkStrategy
            .<FlowRecord>forGenerator(context -> new WatermarkAfterEveryRecord(30_000))
            .withTimestampAssigner((flow, previous) -> flow.getLastSeen().toEpochMilli())),
        Duration.ofMinutes(1), Duration.ofMinutes(5));
    ClickHouseSinkConfig sink = ClickHouseSinkConfig.defaults(StoreConfig.embedded(dir.toString()));
    HostVendorWindows.forStore(windows).sinkTo(new ClickHouseSink<>(sink, AgentWatchJob.WINDOW_ROWS));
    windows.getSideOutput(HostVendorWindows.TOO_LATE).sinkTo(new ClickHouseSink<>(sink, AgentWatchJob.LATE_ROWS));
    env.execute("spread over minutes");
  }

  @AfterAll
  static void closeTheStore() throws Exception {
    store.close(); // chDB holds one data directory per process: the next test class opens its own
  }

  @Test
  void aSteadyTenMinuteUploadIsTenEqualMinutes() throws Exception {
    String tenEqualMinutes = "";
    for (int minute = 0; minute < 10; minute++) {
      tenEqualMinutes += "2026-11-02 09:0" + minute + ":00\t6000000\t60000\t4000\t2000\n";
    }
    assertEquals(tenEqualMinutes, store.query("SELECT window_start, bytes_up, bytes_down, packets_up, packets_down"
        + " FROM host_vendor_service_1m FINAL WHERE host = 'steady-upload' ORDER BY window_start"));
    // Each record counts once, in the minute it ended in (a record's time is [first_seen, last_seen)).
    assertEquals("2026-11-02 09:04:00\t1\n2026-11-02 09:09:00\t1\n", store.query("SELECT window_start, flows"
        + " FROM host_vendor_service_1m FINAL WHERE host = 'steady-upload' AND flows > 0 ORDER BY window_start"));
  }

  @Test
  void theMinutesOfARecordLongerThanTheAllowedLatenessThatClosedForGoodAreInLateFlows() throws Exception {
    // 6 MB a minute throughout: the minutes still open in the windows, the closed ones in late_flows.
    assertEquals("6\t36000000\t360000\n", store.query("SELECT count(), sum(bytes_up), sum(bytes_down)"
        + " FROM host_vendor_service_1m FINAL WHERE host = 'ten-minute-record'"
        + " AND window_start >= '2026-11-02 09:04:00' AND bytes_up = 6000000"));
    assertEquals("4\t24000000\t240000\n", store.query("SELECT count(), sum(bytes_up), sum(bytes_down) FROM late_flows"
        + " WHERE host = 'ten-minute-record' AND window_start < '2026-11-02 09:04:00' AND bytes_up = 6000000"));
    // Each late row names the record it came from; no other record was late.
    assertEquals("ten-minute-record\t3\t2026-11-02 09:10:00.000000\n",
        store.query("SELECT DISTINCT host, sequence, last_seen FROM late_flows"));
  }

  @Test
  void theMinutesOfRecordsSumExactlyToTheRecords() throws Exception {
    long bytesUp = 0;
    long bytesDown = 0;
    long packetsUp = 0;
    long packetsDown = 0;
    for (FlowRecord flow : RECORDS) {
      if (flow.getHost().equals("many-flows")) {
        bytesUp += flow.getBytesUp();
        bytesDown += flow.getBytesDown();
        packetsUp += flow.getPacketsUp();
        packetsDown += flow.getPacketsDown();
      }
    }
    assertEquals(bytesUp + "\t" + bytesDown + "\t" + packetsUp + "\t" + packetsDown + "\t" + RANDOM_RECORDS + "\n",
        store.query("SELECT sum(bytes_up), sum(bytes_down), sum(packets_up), sum(packets_down), sum(flows)"
            + " FROM host_vendor_service_1m FINAL WHERE host = 'many-flows'"));
    // Spread, not piled up: the records cover 35 minutes, and every one of them has traffic.
    assertEquals("35\t0\n", store.query("SELECT count(), countIf(bytes_up = 0 AND packets_up = 0)"
        + " FROM host_vendor_service_1m FINAL WHERE host = 'many-flows'"));
  }

  @Test
  void aRecordWithinOneMinuteIsItsMinute() throws Exception {
    assertEquals("2026-11-02 09:20:00\t12345\t678\t9\t7\t1\t1\t12345\n", store.query("SELECT window_start, bytes_up,"
        + " bytes_down, packets_up, packets_down, flows, distinct_destinations, max_upload"
        + " FROM host_vendor_service_1m FINAL WHERE host = 'short-flow'"));
  }

  private static FlowRecord flow(String host, long sequence, Instant first, Instant last, long bytesUp, long bytesDown,
      long packetsUp, long packetsDown) {
    return FlowRecord.newBuilder().setSensorId("sensor-1").setSequence(sequence).setHost(host)
        .setSrcIp("10.0.0.1").setSrcPort((int) (10_000 + sequence)).setDstIp("160.79.104.10").setDstPort(443)
        .setTransport(Transport.TCP).setFirstSeen(first).setLastSeen(last)
        .setPacketsUp(packetsUp).setPacketsDown(packetsDown).setBytesUp(bytesUp).setBytesDown(bytesDown)
        .setVendor("anthropic").setService("anthropic-api").setIdentifiedBy(Evidence.SNI)
        .setEndReason(EndReason.ACTIVE_TIMEOUT).build();
  }
}
