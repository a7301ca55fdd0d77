package io.agentwatch.capture;

import io.agentwatch.capture.export.FlowSink;
import io.agentwatch.capture.synth.SyntheticTraffic;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Runs synthetic traffic (mostly TLS) through a throw-away {@link Sensor} before a live capture opens, so
 * that the JIT has compiled the packet path when the first real packet arrives.
 *
 * <p>Why: a cold sensor on a busy link loses packets. Measured on lo with tcpreplay at ~250 000
 * packets/s (BENCHMARKS.md, Sensor): a sensor started cold dropped 5–10 % of the packets, because
 * for the first seconds of traffic the C2 compiler took one of the two cores (3.7 s of CPU) while
 * the capture thread needed the other; once compiled, the same sensor dropped 0.2 %, like dumpcap.
 * A few seconds of warm-up at start-up move that compilation to before the capture.
 *
 * <p>The traffic goes through the same configuration (catalog, hosts, flow table) as the real
 * sensor, so decode, metering, identification (SNI, JA4, Community ID) and record building are
 * compiled as they will run; records go to the given sink (one that discards them, shaped like the
 * real one) and never leave the process.
 */
public final class SensorWarmUp {

  /** The JIT settled within 3–6 s on two cores; a slower machine starts with some code still cold. */
  public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(10);

  /** Flows per round: about 60 000 packets. */
  private static final int FLOWS_PER_ROUND = 2_000;
  /** Capture time a round spans; rounds are this far apart, so no flow carries over. */
  private static final int ROUND_SPAN_SECONDS = 20;
  private static final Duration ROUND_GAP = Duration.ofHours(1);
  /** The JIT counts as done when it compiled for less than this share of a round's wall time. */
  private static final double SETTLED_COMPILE_SHARE = 0.10;
  private static final int MIN_ROUNDS = 3;
  /**
   * Real links are not all one shape: code compiled for TLS alone, one way round, hit uncommon
   * traps (deoptimized, back to the interpreter) within a second of real traffic on lo.
   */
  private static final SyntheticTraffic.Variety VARIETY = new SyntheticTraffic.Variety(0.3, 0.1);

  /** What the warm-up did. */
  public record Result(int rounds, long packets, long flowRecords, Duration elapsed, boolean settled) {
    @Override
    public String toString() {
      return String.format("%d synthetic packets (%d flows) in %.1f s%s", packets, flowRecords,
          elapsed.toNanos() / 1e9, settled ? "" : ", stopped before the JIT had settled");
    }
  }

  private SensorWarmUp() {}

  /**
   * Feeds rounds of synthetic traffic to a sensor built from {@code config} until the JIT has
   * settled (at least three rounds), {@code limit} has passed or {@code cancelled} says so (checked
   * between rounds, a few tenths of a second apart).
   */
  public static Result run(SensorConfig config, FlowSink sink, Duration limit, BooleanSupplier cancelled) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    boolean measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
    Sensor sensor = new Sensor(config.withLastSequence(0), sink);
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    Instant origin = Instant.parse("2025-06-02T09:00:00Z");
    long packets = 0;
    int rounds = 0;
    boolean settled = false;
    while (!settled && System.nanoTime() < deadline && !cancelled.getAsBoolean()) {
      long compiledBefore = measurable ? jit.getTotalCompilationTime() : 0;
      long roundStart = System.nanoTime();
      packets += SyntheticTraffic.sessions(rounds + 1, FLOWS_PER_ROUND, ROUND_SPAN_SECONDS,
          origin.plus(ROUND_GAP.multipliedBy(rounds)), VARIETY, packet -> {
            Instant time = packet.time();
            byte[] frame = packet.frame();
            sensor.onPacket(time.getEpochSecond() * 1_000_000_000L + time.getNano(), 1, frame, 0, frame.length);
          });
      rounds++;
      long roundMillis = (System.nanoTime() - roundStart) / 1_000_000;
      long compiledMillis = measurable ? jit.getTotalCompilationTime() - compiledBefore : 0;
      // Without the JIT's own clock, a fixed number of rounds is the best guess.
      settled = rounds >= MIN_ROUNDS && (!measurable || compiledMillis < SETTLED_COMPILE_SHARE * roundMillis);
    }
    sensor.finish();
    return new Result(rounds, packets, sensor.stats().recordsExported(), Duration.ofNanos(System.nanoTime() - start), settled);
  }
}
