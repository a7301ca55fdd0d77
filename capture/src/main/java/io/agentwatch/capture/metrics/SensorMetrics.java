package io.agentwatch.capture.metrics;

import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.decode.DecodeStats.SkipReason;
import io.agentwatch.capture.source.CaptureCounters;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Publishes {@link SensorStats}: libpcap's counters, what the decoder did with each frame, and the
 * flow table. Every frame read is counted once, in exactly one of {@code
 * agentwatch_packets_decoded_total}, {@code agentwatch_packets_skipped_total{reason}} (frames of a
 * kind without flows) and {@code agentwatch_decode_errors_total{reason}} (broken frames), so the
 * three add up to {@code agentwatch_packets_read_total}. Every skip reason is published from the
 * start, at 0, so a rate over it exists before the first such frame.
 *
 * <pre>{@code
 * server.addSource(new SensorMetrics(sensor::stats, source::counters));
 * }</pre>
 */
public final class SensorMetrics implements MetricsSource {

  private final Supplier<SensorStats> stats;
  private final Supplier<Optional<CaptureCounters>> liveCounters;
  private CaptureCounters highestCapture = CaptureCounters.NONE;

  /** The sensor's stats as they are, libpcap's counters included. */
  public SensorMetrics(Supplier<SensorStats> stats) {
    this(stats, Optional::empty);
  }

  /**
   * The sensor's stats, with libpcap's counters read from the source at each scrape when it has
   * them ({@link io.agentwatch.capture.source.PacketSource#counters()}): {@link SensorStats#capture()}
   * is only filled in when the run ends, and a source whose handles are closed reports 0. The
   * published libpcap counters are the highest seen from either, so they never go down.
   */
  public SensorMetrics(Supplier<SensorStats> stats, Supplier<Optional<CaptureCounters>> liveCounters) {
    this.stats = stats;
    this.liveCounters = liveCounters;
  }

  @Override
  public void writeTo(MetricsWriter out) {
    SensorStats s = stats.get();
    CaptureCounters capture = highest(s.capture(), liveCounters.get().orElse(CaptureCounters.NONE));

    out.counter("agentwatch_capture_packets_received_total",
        "Packets libpcap received from the kernel after the BPF filter (pcap_stats ps_recv); 0 when reading a file.",
        capture.received());
    out.counter("agentwatch_capture_packets_dropped_total",
        "Packets dropped because libpcap's buffer was full, i.e. the sensor fell behind (pcap_stats ps_drop).",
        capture.dropped());
    out.counter("agentwatch_capture_packets_interface_dropped_total",
        "Packets the interface or its driver dropped, where the platform reports it (pcap_stats ps_ifdrop).",
        capture.droppedByInterface());

    out.counter("agentwatch_packets_read_total", "Frames the packet source delivered to the sensor.", s.packetsRead());
    out.counter("agentwatch_packets_decoded_total",
        "Frames decoded into a TCP or UDP packet and counted in a flow.", s.packetsDecoded());
    writeSkipped(out, s.packetsSkippedByReason());

    out.counter("agentwatch_flows_created_total", "Flows opened in the flow table.", s.flowsCreated());
    out.counter("agentwatch_flow_records_exported_total",
        "Flow records handed to the sink: ended flows and the periodic records of long flows.", s.recordsExported());
    out.counter("agentwatch_flows_evicted_total",
        "Flows ended early (and exported) because the flow table was full.", s.flowsEvicted());
    out.gauge("agentwatch_flows_active", "Flows open in the flow table.", s.flowsOpen());
  }

  private synchronized CaptureCounters highest(CaptureCounters fromStats, CaptureCounters live) {
    highestCapture = new CaptureCounters(
        Math.max(highestCapture.received(), Math.max(fromStats.received(), live.received())),
        Math.max(highestCapture.dropped(), Math.max(fromStats.dropped(), live.dropped())),
        Math.max(highestCapture.droppedByInterface(), Math.max(fromStats.droppedByInterface(), live.droppedByInterface())));
    return highestCapture;
  }

  private static final String SKIPPED = "agentwatch_packets_skipped_total";
  private static final String SKIPPED_HELP =
      "Frames that gave no TCP/UDP packet but were not broken (not IP, ICMP, other transports, unsupported "
          + "link types, fragments without their first fragment), by reason.";
  private static final String ERRORS = "agentwatch_decode_errors_total";
  private static final String ERRORS_HELP =
      "Frames that were cut short (truncated) or had inconsistent headers (bad-header), by reason.";

  private static void writeSkipped(MetricsWriter out, Map<String, Long> byReason) {
    Set<String> known = new HashSet<>();
    for (SkipReason reason : SkipReason.values()) {
      long count = byReason.getOrDefault(reason.label(), 0L);
      if (reason.malformed()) {
        out.counter(ERRORS, ERRORS_HELP, count, "reason", reason.label());
      } else {
        out.counter(SKIPPED, SKIPPED_HELP, count, "reason", reason.label());
      }
      known.add(reason.label());
    }
    // A reason the decoder learns later is still counted somewhere rather than lost.
    for (Map.Entry<String, Long> entry : byReason.entrySet()) {
      if (!known.contains(entry.getKey())) {
        out.counter(SKIPPED, SKIPPED_HELP, entry.getValue(), "reason", entry.getKey());
      }
    }
  }
}
