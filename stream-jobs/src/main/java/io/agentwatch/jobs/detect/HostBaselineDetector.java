package io.agentwatch.jobs.detect;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.VendorShare;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per host, against the host's own past (EWMA of upload per active window; the histogram of its
 * active windows for its median and 99th percentile; its peak per hour of its last days):
 * <ul>
 *   <li>upload-spike: one window far above the baseline (score, factor) and above a bar that
 *       scales with the host: the largest of an absolute minimum, a multiple of its own 99th
 *       percentile and its median × (p99 / median)^{@code spikeSpreadPower} — as many of its own
 *       spreads above its median, so a host whose minutes vary a lot needs a larger spike than a
 *       steady one, and a host that sends tens of kB a minute alerts on a few MB — the last at most
 *       {@code spikeMedianCap} × its median, or {@code spikeTailFactor} × its own 99.9th percentile
 *       if higher (the extrapolation outgrows a volatile host's real tail);</li>
 *   <li>sustained-upload: {@code sustainedWindows} consecutive windows above the baseline (a
 *       lower bar than a spike, held for long: the slow exfiltration a spike detector misses), then
 *       every further window of the streak, so its incident spans its whole length.</li>
 * </ul>
 * Both name the vendor that received the largest share and carry the per-vendor breakdown. A
 * window the host had at the same time of day on {@code recurringDays} earlier days (a nightly job)
 * is no spike, and no part of a sustained upload if the host held that level for
 * {@code recurringWindows} windows then. Anomalous windows (a spike; a second window in a row above the baseline — a
 * lone one is the host's own tail) do not update the baseline or history, so an incident does
 * not teach the host that it is normal — until its elevated windows outnumber its others by
 * {@code newNormalWindows} (a level that stays is the new normal: it alerts, then adapts). Every
 * window leaves by {@link #JUDGED} with the host's bar, for the upload-heavy and fleet detectors.
 * Windows arrive in event-time order per host, except revisions: a minute already judged (or
 * passed over, having had no traffic when it closed) that fires again with a late part. A revision
 * is judged for a spike, against the host's bar as it is now; it alerts if that minute has not
 * alerted yet (so its bytes reach the incident once). A revision of the last judged minute that
 * puts it above the baseline also joins the streak (a long connection reported every minute
 * completes each minute only after it closed). A revision teaches nothing and leaves no
 * {@link #JUDGED} window (the upload-heavy and fleet detectors judge a minute once); and a minute
 * teaches the baseline and history only when the host's next minute is judged, so one a late part
 * made anomalous never does.
 */
final class HostBaselineDetector extends KeyedProcessFunction<String, HostWindow, ExposureAlert> {

  private final DetectionConfig config;
  private final Policy policy;
  private final String baselineKind;
  private transient ValueState<Baseline> baseline;
  private transient ValueState<UploadHistory> history;
  private transient ValueState<Streak> streak;
  private transient ValueState<HourOfDayPeaks> peaks;
  private transient ValueState<Judged> judged;
  /** How long a judged minute may still be revised (a window plus the allowed lateness, and some). */
  private final long revisableMillis;

  /** Every host window with its host's bar set ({@link HostWindow#hostBar}): what the upload-heavy and fleet detectors judge. */
  static final OutputTag<HostWindow> JUDGED = new OutputTag<>("host windows with their host's bar",
      TypeInformation.of(HostWindow.class));

  /** Consecutive windows above the baseline (a Flink POJO). */
  public static final class Streak {
    public long start;
    public long end;
    public int windows;
    public long bytesUp;
    public long peakBytes;
    public long peakStart;
  }

  /**
   * Which minutes of the host were judged: those before {@code until}; of the recent ones, which
   * spiked, so a revision of a minute that already alerted does not alert again (a Flink POJO).
   */
  public static final class Judged {
    public long until = Long.MIN_VALUE;
    /** Starts of the spiked minutes within the revisable time before {@code until}. */
    public long[] spiked = new long[0];

    boolean spiked(long windowStart) {
      for (long s : spiked) {
        if (s == windowStart) {
          return true;
        }
      }
      return false;
    }

    void spike(long windowStart, long forgetBefore) {
      long[] kept = java.util.Arrays.stream(spiked).filter(s -> s >= forgetBefore).toArray();
      spiked = java.util.Arrays.copyOf(kept, kept.length + 1);
      spiked[kept.length] = windowStart;
    }
  }

  HostBaselineDetector(DetectionConfig config, java.time.Duration revisable) {
    this.config = config;
    this.revisableMillis = revisable.toMillis();
    this.policy = config.policy();
    this.baselineKind = String.format(Locale.ROOT, "mean upload of its last ~%d active minutes (EWMA)",
        Math.round(1 / config.ewmaAlpha()));
  }

  @Override
  public void open(OpenContext context) {
    StateTtlConfig ttl = StateTtlConfig.newBuilder(config.stateTtl()).build();
    ValueStateDescriptor<Baseline> b = new ValueStateDescriptor<>("baseline", Baseline.class);
    b.enableTimeToLive(ttl);
    baseline = getRuntimeContext().getState(b);
    ValueStateDescriptor<UploadHistory> h = new ValueStateDescriptor<>("upload-history", UploadHistory.class);
    h.enableTimeToLive(ttl);
    history = getRuntimeContext().getState(h);
    ValueStateDescriptor<Streak> s = new ValueStateDescriptor<>("streak", Streak.class);
    s.enableTimeToLive(ttl);
    streak = getRuntimeContext().getState(s);
    ValueStateDescriptor<HourOfDayPeaks> p = new ValueStateDescriptor<>("hour-of-day-peaks", HourOfDayPeaks.class);
    p.enableTimeToLive(ttl);
    peaks = getRuntimeContext().getState(p);
    ValueStateDescriptor<Judged> j = new ValueStateDescriptor<>("judged-minutes", Judged.class);
    j.enableTimeToLive(ttl);
    judged = getRuntimeContext().getState(j);
  }

  @Override
  public void processElement(HostWindow w, Context context, Collector<ExposureAlert> out) throws Exception {
    Baseline base = baseline.value();
    if (base == null) {
      base = new Baseline();
    }
    UploadHistory past = history.value();
    if (past == null) {
      past = new UploadHistory();
    }
    HourOfDayPeaks daily = peaks.value();
    if (daily == null) {
      daily = new HourOfDayPeaks();
    }
    Judged minutes = judged.value();
    if (minutes == null) {
      minutes = new Judged();
    }
    boolean revision = w.windowStart < minutes.until;
    if (!revision && base.pendingLearn) {
      learn(base.pendingBytes, base.pendingStart, base, past);
      base.pendingLearn = false;
    }
    int days = config.recurringMemoryDays();
    double up = w.bytesUp;
    // Usual at this time of day (a nightly job): as a single window no spike; as a held level not
    // part of a sustained upload.
    double usualPart = up * config.recurringFraction();
    boolean recurring = config.recurringDays() > 0
        && daily.earlierDaysWithAtLeast(usualPart, w.windowStart, days, false) >= config.recurringDays();
    boolean warm = base.count >= config.warmupWindows();
    double p50 = past.quantile(0.5);
    double p99 = past.quantile(0.99);
    // The host's own spread: a host whose minutes vary a lot needs a larger spike than a steady one.
    // Extrapolated from its p99 the bar outgrows a volatile host's real tail (at a log-normal spread
    // of 1 it is ~100× its median, above anything it sent in a week): capped at a multiple of its
    // median, or of its own 99.9th percentile where that is higher (a tail heavier than its spread says).
    double spreadBar = p50 > 0 ? p50 * Math.pow(Math.max(1, p99 / p50), config.spikeSpreadPower()) : 0;
    if (config.spikeMedianCap() > 0) {
      spreadBar = Math.min(spreadBar,
          Math.max(config.spikeMedianCap() * p50, config.spikeTailFactor() * past.quantile(0.999)));
    }
    double score = base.score(up, config.stdFloorFraction());
    double hostBar = warm && !recurring ? Math.max(config.spikeP99Factor() * p99, spreadBar) : Double.POSITIVE_INFINITY;
    boolean spike = up >= Math.max(config.spikeFloorBytes(), hostBar)
        && up >= config.spikeFactor() * base.mean && score >= config.spikeScore();

    boolean recurringLevel = config.recurringDays() > 0
        && daily.earlierDaysWithAtLeast(usualPart, w.windowStart, days, true) >= config.recurringDays();
    boolean above = warm && !recurringLevel && up >= Math.max(config.sustainedFloorBytes(), config.sustainedP99Factor() * p99)
        && up >= config.sustainedFactor() * base.mean && score >= config.sustainedScore();

    if (revision) {
      // A revision (a late part of a minute already judged or passed over): a spike it now shows
      // alerts once; nothing is learned from it.
      boolean anomalous = false;
      if (spike && !minutes.spiked(w.windowStart)) {
        out.collect(spikeAlert(w, base, score));
        minutes.spike(w.windowStart, minutes.until - revisableMillis);
        judged.update(minutes);
        anomalous = true;
      }
      // The last judged minute completed by its late part (a long connection is reported after the
      // minute it began in): now above, it joins the streak, or a slow upload over one connection
      // would break its streak whenever a minute closed before the record arrived.
      Streak s = streak.value();
      if (above && w.windowEnd == minutes.until && (s == null || s.end != w.windowEnd)) {
        anomalous |= trackStreak(w, true, base, out) >= 2;
      }
      // ... and then it does not teach the baselines (it has not yet: learning waits for the next minute).
      if (anomalous && base.pendingLearn && base.pendingStart == w.windowStart
          && base.elevatedRun < config.newNormalWindows()) {
        base.pendingLearn = false;
        baseline.update(base);
      }
      return;
    }
    minutes.until = w.windowEnd;
    if (spike) {
      minutes.spike(w.windowStart, minutes.until - revisableMillis);
    }
    judged.update(minutes);
    context.output(JUDGED, w.judged(hostBar));
    daily.add(w.bytesUp, w.windowStart, w.windowEnd, days, config.recurringWindows());
    peaks.update(daily);

    if (spike) {
      out.collect(spikeAlert(w, base, score));
    }
    int streakWindows = trackStreak(w, above, base, out);
    // A lone window above the baseline is the host's own tail (1 % of its windows are above its
    // p99): learned, or the history would lose its tail and its bars sink. Two in a row are not.
    boolean anomalous = spike || streakWindows >= 2;
    boolean elevated = p50 > 0 && up >= config.newNormalFactor() * p50;
    base.elevatedRun = elevated ? base.elevatedRun + 1 : Math.max(0, base.elevatedRun - 1);
    if (!anomalous || base.elevatedRun >= config.newNormalWindows()) {
      base.pendingLearn = true;
      base.pendingBytes = w.bytesUp;
      base.pendingStart = w.windowStart;
    }
    baseline.update(base);
  }

  private void learn(long bytes, long windowStart, Baseline base, UploadHistory past) throws Exception {
    base.update(bytes, config.ewmaAlpha());
    past.add(bytes, windowStart, config.history().toMillis());
    history.update(past);
  }

  private ExposureAlert spikeAlert(HostWindow w, Baseline base, double score) {
    double up = w.bytesUp;
    List<VendorShare> shares = Alerts.breakdown(w);
    VendorShare top = shares.get(0);
    String tag = policy.tag("", top.getVendor(), top.getService());
    double strength = Math.min(score / Math.max(config.spikeScore(), 1e-9),
        up / Math.max(config.spikeFactor() * base.mean, 1));
    return Alerts.alert(Alerts.UPLOAD_SPIKE, w.host, top.getVendor(), top.getService(), w.windowStart,
            w.windowEnd, up, base.mean, baselineKind, score, Severity.of(strength, tag),
            Alerts.top(w.topKeys, w.topBytes), String.format(Locale.ROOT,
                "%s uploaded %s to %s in the minute from %s, %.0f× its usual %s (the %s; %.1f σ above it)",
                w.host, Alerts.bytes(up), Alerts.receivers(shares, w.bytesUp), Alerts.minute(w.windowStart),
                up / Math.max(base.mean, 1), Alerts.bytes(base.mean), baselineKind, score))
        .setPolicy(tag).setTotalBytes(w.bytesUp).setPeakBytes(w.bytesUp).setVendorBreakdown(shares).build();
  }

  /** Extends or ends the host's streak of windows above the baseline; returns its length (0: none). */
  private int trackStreak(HostWindow w, boolean above, Baseline base, Collector<ExposureAlert> out)
      throws Exception {
    if (!above) {
      return 0; // kept: the minute may still join it when its late part comes (a gap ends it anyway)
    }
    Streak s = streak.value();
    if (s == null || s.end != w.windowStart) {
      s = new Streak();
      s.start = w.windowStart;
    }
    s.end = w.windowEnd;
    s.windows++;
    s.bytesUp += w.bytesUp;
    if (w.bytesUp > s.peakBytes) {
      s.peakBytes = w.bytesUp;
      s.peakStart = w.windowStart;
    }
    streak.update(s);
    if (s.windows < config.sustainedWindows()) {
      return s.windows;
    }
    // The streak's first alert covers it from its start; each later window adds itself to the incident.
    boolean first = s.windows == config.sustainedWindows();
    long start = first ? s.start : w.windowStart;
    long bytes = first ? s.bytesUp : w.bytesUp;
    int windows = first ? s.windows : 1;
    double perWindow = (double) bytes / windows;
    double score = base.score(perWindow, config.stdFloorFraction());
    List<VendorShare> shares = Alerts.breakdown(w);
    VendorShare top = shares.get(0);
    String tag = policy.tag("", top.getVendor(), top.getService());
    double strength = Math.min(score / Math.max(config.sustainedScore(), 1e-9),
        perWindow / Math.max(config.sustainedFactor() * base.mean, 1));
    out.collect(Alerts.alert(Alerts.SUSTAINED_UPLOAD, w.host, top.getVendor(), top.getService(), start, s.end,
            perWindow, base.mean, baselineKind, score, Severity.of(strength, tag), Alerts.top(w.topKeys, w.topBytes),
            String.format(Locale.ROOT,
                "%s has uploaded %s per minute to %s for %d minutes since %s, %.1f× its usual %s per minute"
                    + " (the %s; %s in all)",
                w.host, Alerts.bytes((double) s.bytesUp / s.windows), Alerts.receivers(shares, w.bytesUp), s.windows,
                Alerts.minute(s.start), (double) s.bytesUp / s.windows / Math.max(base.mean, 1),
                Alerts.bytes(base.mean), baselineKind, Alerts.bytes(s.bytesUp)))
        .setPolicy(tag).setTotalBytes(bytes).setWindows(windows)
        .setPeakBytes(first ? s.peakBytes : w.bytesUp).setPeakWindowStart(java.time.Instant.ofEpochMilli(
            first ? s.peakStart : w.windowStart))
        .setVendorBreakdown(shares).build());
    return s.windows;
  }
}
