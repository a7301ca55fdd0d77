package io.agentwatch.jobs.detect;

import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import io.agentwatch.config.ValueParsers;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
 * @param spikeFloorBytes {@code detect.spike.floor-bytes}: and at least this much (absolute minimum,
 *     so a very quiet host does not alert on a few hundred kB)
 * @param spikeP99Factor {@code detect.spike.p99-factor}: and at least this many times the host's own
 *     99th percentile per active window over {@code history} (the floor scales with the host)
 * @param sustainedWindows {@code detect.sustained.windows}: consecutive windows above baseline
 * @param sustainedScore {@code detect.sustained.score}: standard deviations above the mean that
 *     count as "above baseline"
 * @param sustainedFactor {@code detect.sustained.factor}: and at least this many times the mean
 * @param sustainedFloorBytes {@code detect.sustained.floor-bytes}: and at least this much
 * @param sustainedP99Factor {@code detect.sustained.p99-factor}: and at least this many times the
 *     host's own 99th percentile
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
 * @param cooldown {@code detect.cooldown}: an incident (alerts of one detector, host and vendor)
 *     closes after this long without an anomalous window; alerts closer together belong to it
 * @param incidentUpdateEvery {@code detect.incident.update-every}: an open incident reports its
 *     running totals at most this often (event time), and whenever its severity rises
 * @param history {@code detect.history}: how much of a host's past its percentile floors remember
 * @param newNormalWindows {@code detect.new-normal-windows}: once a host's elevated windows outnumber
 *     its others by this many (a leaky count), its level is its new normal: its baseline and history
 *     learn from its anomalous windows too
 * @param spikeSpreadPower {@code detect.spike.spread-power}: and at least the host's median window
 *     × (its p99 / its median) to this power: a bar as many of the host's own spreads above its
 *     median (in log terms) — 2 is as far above its p99 as its p99 is above its median, so a host
 *     whose minutes vary a lot needs a larger spike than a steady one
 * @param recurringDays {@code detect.recurring.days}: a window is usual for the host, not anomalous,
 *     when it uploaded at least {@code recurringFraction} of it within an hour of the same time of
 *     day on this many of the days it remembers ({@code history}, up to a week): a nightly job
 * @param recurringFraction {@code detect.recurring.fraction}: see {@code recurringDays}
 * @param recurringWindows {@code detect.recurring.windows}: "uploaded" for {@code recurringDays}
 *     means held for this many consecutive windows (a job, not the busy minute any host has)
 * @param spikeMedianCap {@code detect.spike.median-cap}: the spread bar ({@code spikeSpreadPower}) is
 *     at most this many times the host's median window, or {@code spikeTailFactor} × its own 99.9th
 *     percentile window where that is higher (0: no cap). Extrapolated from the p99, the spread bar
 *     grows faster with the host's spread than its real tail does (at a log-normal spread of 1 it is
 *     about 100× the median, several times the largest minute such a host sends in a week), so a
 *     volatile host's burst had to be far larger than a steady one's
 * @param spikeTailFactor {@code detect.spike.tail-factor}: see {@code spikeMedianCap}: a host whose
 *     real tail is heavier than its median and p99 suggest keeps a bar above it
 * @param policyVendors {@code detect.policy.vendors}: VENDOR or VENDOR/SERVICE → sanctioned,
 *     tolerated, unsanctioned or unreviewed (the default)
 * @param policyTeams {@code detect.policy.teams}: TEAM/VENDOR or TEAM/VENDOR/SERVICE → tag, for the
 *     hosts of one team
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
    Duration stateTtl,
    double spikeP99Factor,
    double sustainedP99Factor,
    Duration incidentUpdateEvery,
    Duration history,
    int newNormalWindows,
    double newNormalFactor,
    double spikeSpreadPower,
    int recurringDays,
    double recurringFraction,
    int recurringWindows,
    double spikeMedianCap,
    double spikeTailFactor,
    Map<String, String> policyVendors,
    Map<String, String> policyTeams) implements Serializable {

  public DetectionConfig {
    policyVendors = policyVendors == null ? Map.of() : Map.copyOf(policyVendors);
    policyTeams = policyTeams == null ? Map.of() : Map.copyOf(policyTeams);
  }

  private static final long MB = 1_000_000L;

  public static DetectionConfig defaults() {
    return new DetectionConfig(0.02, 60, 0.25,
        8, 10, 2 * MB,
        10, 3, 3, 1 * MB,
        10, 10 * MB,
        10, 10, 50 * MB, 10,
        Duration.ofDays(30), Duration.ofDays(1), Duration.ofMinutes(30), Duration.ofDays(35),
        3, 1, Duration.ofMinutes(15), Duration.ofDays(7), 120, 2,
        2, 2, 0.5, 5, 100, 3, Map.of(), Map.of());
  }

  private static final DetectionConfig DEFAULTS = defaults();

  /** The detectors' keys, with the defaults above: --help and the loader ({@link #from}) read this list. */
  public static final List<Setting> SETTINGS = List.of(
      number("detect.ewma-alpha", DEFAULTS.ewmaAlpha, "weight of a new window in a host's baseline (0.02: about 50 active minutes)"),
      count("detect.warmup-windows", DEFAULTS.warmupWindows, "active windows a host's baseline must have seen before it may alert"),
      number("detect.std-floor-fraction", DEFAULTS.stdFloorFraction, "the baseline's standard deviation is at least this fraction of its mean"),
      number("detect.spike.score", DEFAULTS.spikeScore, "upload spike: standard deviations above the host's mean"),
      number("detect.spike.factor", DEFAULTS.spikeFactor, "upload spike: and at least this many times the mean"),
      bytes("detect.spike.floor-bytes", DEFAULTS.spikeFloorBytes, "upload spike: and at least this many bytes in the window"),
      number("detect.spike.p99-factor", DEFAULTS.spikeP99Factor, "upload spike: and at least this many times the host's own 99th percentile per active window"),
      count("detect.sustained.windows", DEFAULTS.sustainedWindows, "sustained upload: consecutive windows above baseline"),
      number("detect.sustained.score", DEFAULTS.sustainedScore, "sustained upload: standard deviations above the mean that count as above"),
      number("detect.sustained.factor", DEFAULTS.sustainedFactor, "sustained upload: and at least this many times the mean"),
      bytes("detect.sustained.floor-bytes", DEFAULTS.sustainedFloorBytes, "sustained upload: and at least this many bytes per window"),
      number("detect.sustained.p99-factor", DEFAULTS.sustainedP99Factor, "sustained upload: and at least this many times the host's own 99th percentile"),
      number("detect.heavy.ratio", DEFAULTS.heavyRatio, "upload-heavy: upload/download ratio of a window"),
      bytes("detect.heavy.floor-bytes", DEFAULTS.heavyFloorBytes, "upload-heavy: with at least this many bytes uploaded"),
      number("detect.fleet.score", DEFAULTS.fleetScore, "fleet outlier: scaled MADs above the fleet's median in the window"),
      number("detect.fleet.factor", DEFAULTS.fleetFactor, "fleet outlier: and at least this many times the median"),
      bytes("detect.fleet.floor-bytes", DEFAULTS.fleetFloorBytes, "fleet outlier: and at least this many bytes"),
      count("detect.fleet.min-hosts", DEFAULTS.fleetMinHosts, "fleet outlier: hosts active in the window for a fleet to exist"),
      duration("detect.first-contact.memory", DEFAULTS.firstContactMemory, "a vendor not used by the host within this long is new again"),
      duration("detect.first-contact.warmup", DEFAULTS.firstContactWarmup, "event time a host must have been seen before first contacts alert"),
      duration("detect.cooldown", DEFAULTS.cooldown, "an incident (detector × host × vendor) closes after this long without an anomalous window"),
      duration("detect.incident.update-every", DEFAULTS.incidentUpdateEvery, "an open incident reports its running totals at most this often (and when its severity rises)"),
      duration("detect.history", DEFAULTS.history, "how much of a host's past its percentile floors remember"),
      count("detect.new-normal-windows", DEFAULTS.newNormalWindows, "elevated active windows (net of ordinary ones) after which a host's level is its new normal"),
      number("detect.new-normal-factor", DEFAULTS.newNormalFactor, "a window is elevated when it uploads at least this many times the host's median"),
      number("detect.spike.spread-power", DEFAULTS.spikeSpreadPower, "upload spike: and at least the host's median × (its p99 / median) to this power"),
      count("detect.recurring.days", DEFAULTS.recurringDays, "a window is usual when the host uploaded as much at that time of day on this many earlier days (0: off)"),
      number("detect.recurring.fraction", DEFAULTS.recurringFraction, "\"as much\" for detect.recurring.days: at least this fraction of the window"),
      count("detect.recurring.windows", DEFAULTS.recurringWindows, "\"as much\" for detect.recurring.days: held for this many consecutive windows"),
      number("detect.spike.median-cap", DEFAULTS.spikeMedianCap, "upload spike: the spread bar is at most this many times the host's median, or detect.spike.tail-factor × its 99.9th percentile if higher (0: no cap)"),
      number("detect.spike.tail-factor", DEFAULTS.spikeTailFactor, "upload spike: see detect.spike.median-cap: this many times the host's own 99.9th percentile per active window"),
      Setting.map("detect.policy.vendors", "VENDOR or VENDOR/SERVICE: sanctioned | tolerated | unsanctioned | unreviewed (default)"),
      Setting.map("detect.policy.teams", "TEAM/VENDOR or TEAM/VENDOR/SERVICE: a policy tag for that team's hosts"),
      duration("detect.state-ttl", DEFAULTS.stateTtl, "state of a host silent this long (processing time) is dropped"));

  /**
   * The detectors' settings from loaded settings (which must know {@link #SETTINGS}); bad values
   * and failed checks are recorded as problems of {@code settings}, naming key and source.
   */
  public static DetectionConfig from(Settings s) {
    DetectionConfig config = new DetectionConfig(
        decimal(s, "detect.ewma-alpha"), whole(s, "detect.warmup-windows"), decimal(s, "detect.std-floor-fraction"),
        decimal(s, "detect.spike.score"), decimal(s, "detect.spike.factor"), size(s, "detect.spike.floor-bytes"),
        whole(s, "detect.sustained.windows"), decimal(s, "detect.sustained.score"),
        decimal(s, "detect.sustained.factor"), size(s, "detect.sustained.floor-bytes"),
        decimal(s, "detect.heavy.ratio"), size(s, "detect.heavy.floor-bytes"),
        decimal(s, "detect.fleet.score"), decimal(s, "detect.fleet.factor"), size(s, "detect.fleet.floor-bytes"),
        whole(s, "detect.fleet.min-hosts"),
        s.parse("detect.first-contact.memory", ValueParsers::duration),
        s.parse("detect.first-contact.warmup", ValueParsers::durationOrZero),
        s.parse("detect.cooldown", ValueParsers::duration),
        s.parse("detect.state-ttl", ValueParsers::duration),
        decimal(s, "detect.spike.p99-factor"), decimal(s, "detect.sustained.p99-factor"),
        s.parse("detect.incident.update-every", ValueParsers::duration),
        s.parse("detect.history", ValueParsers::duration),
        whole(s, "detect.new-normal-windows"), decimal(s, "detect.new-normal-factor"),
        decimal(s, "detect.spike.spread-power"), whole(s, "detect.recurring.days"),
        decimal(s, "detect.recurring.fraction"), whole(s, "detect.recurring.windows"),
        decimal(s, "detect.spike.median-cap"), decimal(s, "detect.spike.tail-factor"),
        s.map("detect.policy.vendors"), s.map("detect.policy.teams"));
    s.check(config::validate);
    return config;
  }

  // A value that does not parse is recorded by Settings; 0 stands in until throwIfProblems reports it.
  private static double decimal(Settings s, String key) {
    Double value = s.parse(key, ValueParsers::decimal);
    return value == null ? 0 : value;
  }

  private static int whole(Settings s, String key) {
    Integer value = s.parse(key, text -> ValueParsers.integer(text, 0, Integer.MAX_VALUE));
    return value == null ? 0 : value;
  }

  private static long size(Settings s, String key) {
    Long value = s.parse(key, ValueParsers::size);
    return value == null ? 0 : value;
  }

  private static Setting number(String key, double value, String description) {
    return Setting.value(key, "NUMBER", String.valueOf(value), description);
  }

  private static Setting count(String key, int value, String description) {
    return Setting.value(key, "N", String.valueOf(value), description);
  }

  private static Setting bytes(String key, long value, String description) {
    return Setting.value(key, "SIZE", String.valueOf(value), description);
  }

  private static Setting duration(String key, Duration value, String description) {
    return Setting.value(key, "DURATION", ValueParsers.text(value), description);
  }

  /** Days {@link HourOfDayPeaks} remembers: the history, at most a week. */
  int recurringMemoryDays() {
    return (int) Math.max(1, Math.min(7, history.toDays()));
  }

  public Policy policy() {
    return new Policy(policyVendors, policyTeams);
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
    nonNegative("detect.spike.p99-factor", spikeP99Factor);
    nonNegative("detect.sustained.p99-factor", sustainedP99Factor);
    positive("detect.incident.update-every", incidentUpdateEvery);
    positive("detect.history", history);
    atLeast("detect.new-normal-windows", newNormalWindows, 1);
    nonNegative("detect.new-normal-factor", newNormalFactor);
    nonNegative("detect.spike.spread-power", spikeSpreadPower);
    nonNegative("detect.spike.median-cap", spikeMedianCap);
    nonNegative("detect.spike.tail-factor", spikeTailFactor);
    nonNegative("detect.recurring.days", recurringDays);
    atLeast("detect.recurring.windows", recurringWindows, 1);
    if (!(recurringFraction > 0 && recurringFraction <= 1)) {
      throw new IllegalArgumentException("detect.recurring.fraction: " + recurringFraction + " must be above 0 and at most 1");
    }

    Policy.validate("detect.policy.vendors", policyVendors);
    Policy.validate("detect.policy.teams", policyTeams);
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
