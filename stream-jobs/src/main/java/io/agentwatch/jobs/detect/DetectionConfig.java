package io.agentwatch.jobs.detect;

import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the detectors. Byte figures are L3 upload bytes per one-minute window.
 *
 * @param ewmaAlpha {@code detect.ewma-alpha}: weight of a new window in a host's baseline (0.02:
 *     about the last 50 active minutes)
 * @param warmupWindows {@code detect.warmup-windows}: active windows a host's baseline must have
 *     seen before it may alert
 * @param stdFloorFraction {@code detect.std-floor-fraction}: the baseline's standard deviation is
 *     taken as at least this fraction of its mean, so a very regular host does not alert on noise
 * @param spikeScore {@code detect.spike.score}: standard deviations above the mean for a spike
 * @param spikeFactor {@code detect.spike.factor}: and at least this many times the mean
 * @param spikeFloorBytes {@code detect.spike.floor-bytes}: and at least this much (absolute floor)
 * @param sustainedWindows {@code detect.sustained.windows}: consecutive windows above baseline
 * @param sustainedScore {@code detect.sustained.score}: standard deviations above the mean that
 *     count as "above baseline"
 * @param sustainedFactor {@code detect.sustained.factor}: and at least this many times the mean
 * @param sustainedFloorBytes {@code detect.sustained.floor-bytes}: and at least this much
 * @param heavyRatio {@code detect.heavy.ratio}: upload/download ratio of an upload-heavy window
 * @param heavyFloorBytes {@code detect.heavy.floor-bytes}: with at least this much upload
 * @param fleetScore {@code detect.fleet.score}: scaled MADs above the fleet's median in the window
 * @param fleetFactor {@code detect.fleet.factor}: and at least this many times the median
 * @param fleetFloorBytes {@code detect.fleet.floor-bytes}: and at least this much
 * @param fleetMinHosts {@code detect.fleet.min-hosts}: hosts active in the window for a fleet to exist
 * @param firstContactMemory {@code detect.first-contact.memory}: a vendor not used by the host
 *     within this long is new again
 * @param firstContactWarmup {@code detect.first-contact.warmup}: event time a host must have been
 *     seen before its first contacts alert (at start every vendor is new)
 * @param cooldown {@code detect.cooldown}: one alert per detector, host and vendor within this
 *     long, so one incident gives one alert
 * @param stateTtl {@code detect.state-ttl}: state of a host that sends nothing for this long
 *     (processing time) is dropped
 */
public record DetectionConfig(
    double ewmaAlpha,
    int warmupWindows,
    double stdFloorFraction,
    double spikeScore,
    double spikeFactor,
    long spikeFloorBytes,
    int sustainedWindows,
    double sustainedScore,
    double sustainedFactor,
    long sustainedFloorBytes,
    double heavyRatio,
    long heavyFloorBytes,
    double fleetScore,
    double fleetFactor,
    long fleetFloorBytes,
    int fleetMinHosts,
    Duration firstContactMemory,
    Duration firstContactWarmup,
    Duration cooldown,
    Duration stateTtl) implements Serializable {

  private static final long MB = 1_000_000L;

  public static DetectionConfig defaults() {
    return new DetectionConfig(0.02, 60, 0.25,
        8, 10, 50 * MB,
        10, 3, 3, 5 * MB,
        10, 100 * MB,
        10, 10, 100 * MB, 10,
        Duration.ofDays(30), Duration.ofDays(1), Duration.ofMinutes(30), Duration.ofDays(35));
  }

  public DetectionConfig validate() {
    if (!(ewmaAlpha > 0 && ewmaAlpha < 1)) {
      throw new IllegalArgumentException("detect.ewma-alpha: " + ewmaAlpha + " must be between 0 and 1");
    }
    atLeast("detect.warmup-windows", warmupWindows, 1);
    atLeast("detect.sustained.windows", sustainedWindows, 2);
    atLeast("detect.fleet.min-hosts", fleetMinHosts, 3);
    nonNegative("detect.std-floor-fraction", stdFloorFraction);
    nonNegative("detect.spike.score", spikeScore);
    nonNegative("detect.spike.factor", spikeFactor);
    nonNegative("detect.spike.floor-bytes", spikeFloorBytes);
    nonNegative("detect.sustained.score", sustainedScore);
    nonNegative("detect.sustained.factor", sustainedFactor);
    nonNegative("detect.sustained.floor-bytes", sustainedFloorBytes);
    nonNegative("detect.heavy.ratio", heavyRatio);
    nonNegative("detect.heavy.floor-bytes", heavyFloorBytes);
    nonNegative("detect.fleet.score", fleetScore);
    nonNegative("detect.fleet.factor", fleetFactor);
    nonNegative("detect.fleet.floor-bytes", fleetFloorBytes);
    positive("detect.first-contact.memory", firstContactMemory);
    positive("detect.cooldown", cooldown);
    positive("detect.state-ttl", stateTtl);
    if (firstContactWarmup == null || firstContactWarmup.isNegative()) {
      throw new IllegalArgumentException("detect.first-contact.warmup: " + firstContactWarmup + " must not be negative");
    }
    return this;
  }

  private static void atLeast(String key, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(key + ": " + value + " must be at least " + min);
    }
  }

  private static void nonNegative(String key, double value) {
    if (!(value >= 0)) {
      throw new IllegalArgumentException(key + ": " + value + " must not be negative");
    }
  }

  private static void positive(String key, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + ": " + value + " must be a positive duration");
    }
  }
}
