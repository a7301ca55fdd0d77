package io.agentwatch.jobs.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.config.Settings;
import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.HostVendorWindow;
import io.agentwatch.schema.SchemaTrust;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * A host's windows reach the detectors from every subtask of the window operator, interleaved in
 * any order when many fire at one watermark (a backlog read in one go): the detectors judge them
 * as they happened, and a window that fires again before its host's minute closes counts once.
 */
class WindowsOutOfOrderTest {

  static {
    SchemaTrust.ensure();
  }

  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void aFirstContactIsFoundWhenTheHostsLaterWindowArrivesBeforeItsEarlierOnes() throws Exception {
    List<HostVendorWindow> arrivals = new ArrayList<>();
    arrivals.add(window("shadow-9", "deepseek", 210, 50_000)); // 03:30, judged first if judged on arrival
    for (int m = 0; m < 180; m++) {
      arrivals.add(window("shadow-9", "openai", m, 100_000));
    }
    Settings settings = Settings.load(DetectionConfig.SETTINGS, null, Map.of(), Map.of("detect.first-contact.warmup", "2h"));
    DetectionConfig config = DetectionConfig.from(settings);
    settings.throwIfProblems();

    List<String> alerts = new ArrayList<>();
    DataStream<ExposureAlert> out = windows(arrivals).keyBy(HostVendorWindow::getHost)
        .process(new FirstContactDetector(config), new AvroTypeInfo<>(ExposureAlert.class));
    try (CloseableIterator<ExposureAlert> it = out.executeAndCollect("first contact")) {
      it.forEachRemaining(a -> alerts.add(a.getDetector() + " " + a.getHost() + " " + a.getVendor() + " " + a.getWindowStart()));
    }
    assertEquals(List.of("first-contact shadow-9 deepseek 2026-12-01T03:30:00Z"), alerts,
        "the host was 3.5 h old when it first used deepseek, past the 2 h warm-up");
  }

  @Test
  void aWindowThatFiresAgainBeforeItsHostMinuteClosesCountsOnce() {
    HostWindowAccumulator minute = new HostWindowAccumulator();
    HostWindow host = minute.createAccumulator();
    host = minute.add(window("h", "anthropic", 0, 10_000_000), host);
    host = minute.add(window("h", "openai", 0, 1_000_000), host);
    host = minute.add(window("h", "anthropic", 0, 12_000_000), host); // a late record: the window's complete totals
    assertEquals(13_000_000, host.bytesUp, "anthropic's newest firing and openai's");
    assertEquals(List.of("anthropic", "openai"), List.of(host.vendors));
    assertEquals(12_000_000, host.vendorBytesUp[0]);
  }

  private static HostVendorWindow window(String host, String vendor, int minute, long up) {
    Instant start = T0.plusSeconds(60L * minute);
    return HostVendorWindow.newBuilder().setHost(host).setVendor(vendor).setService("api")
        .setWindowStart(start).setWindowEnd(start.plusSeconds(60)).setBytesUp(up).setBytesDown(up)
        .setPacketsUp(1).setPacketsDown(1).setFlows(1).setMaxUpload(up).setDistinctDestinations(1).build();
  }

  /** The windows in the given order, each with its firing's time; the only watermark is the end of input. */
  private static DataStream<HostVendorWindow> windows(List<HostVendorWindow> arrivals) {
    Configuration flink = new Configuration();
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    env.setParallelism(1);
    return env.fromData(new AvroTypeInfo<>(HostVendorWindow.class), arrivals.toArray(HostVendorWindow[]::new))
        .assignTimestampsAndWatermarks(WatermarkStrategy.<HostVendorWindow>noWatermarks()
            .withTimestampAssigner((w, previous) -> w.getWindowEnd().toEpochMilli() - 1));
  }
}
