package io.agentwatch.capture.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.decode.DecodeStats.SkipReason;
import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.source.CaptureCounters;
import io.agentwatch.capture.synth.SyntheticPacket;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SensorMetricsTest {

  private static final int LINKTYPE_ETHERNET = 1;

  @Test
  void aRunningSensorsCountersAddUpAndFollowTheFlowTable() {
    Sensor sensor = new Sensor(SensorConfig.defaults("metrics-test"), new InMemoryFlowSink());
    TcpSession session = TcpSessionBuilder.between("10.0.0.5", 40000, "10.0.0.9", 443)
        .serverName("api.openai.com").upload(900).download(4000)
        .teardown(TcpSessionBuilder.Teardown.NONE).build();
    long time = 0;
    for (SyntheticPacket packet : session.packets()) {
      time = packet.time().getEpochSecond() * 1_000_000_000L + packet.time().getNano();
      sensor.onPacket(time, LINKTYPE_ETHERNET, packet.frame(), 0, packet.frame().length);
    }
    byte[] arp = new byte[42];
    arp[12] = 0x08;
    arp[13] = 0x06;
    sensor.onPacket(time, LINKTYPE_ETHERNET, arp, 0, arp.length);
    byte[] cut = Arrays.copyOf(session.packets().get(0).frame(), 14 + 10);
    sensor.onPacket(time, LINKTYPE_ETHERNET, cut, 0, cut.length);
    SensorMetrics metrics = new SensorMetrics(sensor::stats);

    Exposition running = scrape(metrics);

    int frames = session.packets().size();
    assertEquals(frames + 2, running.value("agentwatch_packets_read_total"));
    assertEquals(frames, running.value("agentwatch_packets_decoded_total"));
    assertEquals(1, running.value("agentwatch_packets_skipped_total", "reason", "not-ip"));
    assertEquals(1, running.value("agentwatch_decode_errors_total", "reason", "truncated"));
    assertEquals(0, running.value("agentwatch_decode_errors_total", "reason", "bad-header"));
    assertEquals(running.value("agentwatch_packets_read_total"),
        running.value("agentwatch_packets_decoded_total")
            + sum(running, "agentwatch_packets_skipped_total") + sum(running, "agentwatch_decode_errors_total"));
    assertEquals(1, running.value("agentwatch_flows_created_total"));
    assertEquals(1, running.value("agentwatch_flows_active"));
    assertEquals(0, running.value("agentwatch_flow_records_exported_total"));
    assertEquals("gauge", running.types.get("agentwatch_flows_active"));

    sensor.finish();
    Exposition finished = scrape(metrics);

    assertEquals(0, finished.value("agentwatch_flows_active"));
    assertEquals(1, finished.value("agentwatch_flow_records_exported_total"));
    assertEquals(0, finished.value("agentwatch_flows_evicted_total"));
  }

  @Test
  void everySkipReasonIsPublishedFromTheStartAndOnlyBrokenFramesAreDecodeErrors() {
    Exposition parsed = scrape(new SensorMetrics(() -> stats(Map.of(), CaptureCounters.NONE)));

    for (SkipReason reason : SkipReason.values()) {
      String family = reason.malformed() ? "agentwatch_decode_errors_total" : "agentwatch_packets_skipped_total";
      assertEquals(0, parsed.value(family, "reason", reason.label()), reason.label());
    }
    assertEquals(2, parsed.family("agentwatch_decode_errors_total").size());
    assertEquals(SkipReason.values().length - 2, parsed.family("agentwatch_packets_skipped_total").size());
  }

  @Test
  void aSkipReasonTheAdapterDoesNotKnowIsStillPublished() {
    Exposition parsed = scrape(new SensorMetrics(() -> stats(Map.of("icmp", 4L, "someday-new", 2L), CaptureCounters.NONE)));

    assertEquals(4, parsed.value("agentwatch_packets_skipped_total", "reason", "icmp"));
    assertEquals(2, parsed.value("agentwatch_packets_skipped_total", "reason", "someday-new"));
  }

  @Test
  void libpcapCountersComeFromTheStatsOrLiveFromTheSource() {
    SensorStats stats = stats(Map.of(), new CaptureCounters(1000, 7, 3));

    Exposition fromStats = scrape(new SensorMetrics(() -> stats));
    Exposition live = scrape(new SensorMetrics(() -> stats, () -> Optional.of(new CaptureCounters(2000, 9, 4))));
    Exposition file = scrape(new SensorMetrics(() -> stats, Optional::empty));

    assertEquals(1000, fromStats.value("agentwatch_capture_packets_received_total"));
    assertEquals(7, fromStats.value("agentwatch_capture_packets_dropped_total"));
    assertEquals(3, fromStats.value("agentwatch_capture_packets_interface_dropped_total"));
    assertEquals(2000, live.value("agentwatch_capture_packets_received_total"));
    assertEquals(9, live.value("agentwatch_capture_packets_dropped_total"));
    assertEquals(4, live.value("agentwatch_capture_packets_interface_dropped_total"));
    assertEquals(1000, file.value("agentwatch_capture_packets_received_total"));
  }

  @Test
  void libpcapCountersNeverGoDownWhenTheHandlesCloseBeforeTheRunReportsThem() {
    AtomicReference<SensorStats> stats = new AtomicReference<>(stats(Map.of(), CaptureCounters.NONE));
    AtomicReference<CaptureCounters> live = new AtomicReference<>(new CaptureCounters(500, 5, 1));
    SensorMetrics metrics = new SensorMetrics(stats::get, () -> Optional.of(live.get()));

    Exposition running = scrape(metrics);
    live.set(CaptureCounters.NONE);
    Exposition closed = scrape(metrics);
    stats.set(stats(Map.of(), new CaptureCounters(520, 6, 1)));
    Exposition finished = scrape(metrics);

    assertEquals(500, running.value("agentwatch_capture_packets_received_total"));
    assertEquals(500, closed.value("agentwatch_capture_packets_received_total"));
    assertEquals(5, closed.value("agentwatch_capture_packets_dropped_total"));
    assertEquals(520, finished.value("agentwatch_capture_packets_received_total"));
    assertEquals(6, finished.value("agentwatch_capture_packets_dropped_total"));
  }

  @Test
  void namesFollowPrometheusConventions() {
    Exposition parsed = scrape(new SensorMetrics(() -> stats(Map.of(), CaptureCounters.NONE)));

    parsed.types.forEach((name, type) -> {
      assertTrue(name.startsWith("agentwatch_"), name);
      assertTrue(name.matches("[a-z_]+"), name);
      assertEquals(type.equals("counter"), name.endsWith("_total"), name);
    });
  }

  private static SensorStats stats(Map<String, Long> skipped, CaptureCounters capture) {
    return new SensorStats(10, 8, skipped, 3, 2, 1, 1, 1_000_000_000L, capture);
  }

  private static double sum(Exposition parsed, String family) {
    return parsed.family(family).stream().mapToDouble(Exposition.Sample::value).sum();
  }

  private static Exposition scrape(MetricsSource source) {
    MetricsWriter out = new MetricsWriter();
    source.writeTo(out);
    return Exposition.parse(out.text());
  }
}
