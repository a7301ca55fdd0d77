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
import org.apache.flink.util.Collector;

/**
 * Per host, against the host's own past (EWMA of upload per active window, and the histogram of
 * its active windows for a high percentile):
 * <ul>
 *   <li>upload-spike: one window far above the baseline (score, factor) and above a floor that
 *       scales with the host: the larger of an absolute minimum and a multiple of its own 99th
 *       percentile, so a host that sends tens of kB a minute alerts on tens of MB;</li>
 *   <li>sustained-upload: {@code sustainedWindows} consecutive windows above the baseline (a
 *       lower bar than a spike, held for long: the slow exfiltration a spike detector misses), then
 *       every further window of the streak, so its incident spans its whole length.</li>
 * </ul>
 * Both name the vendor that received the largest share and carry the per-vendor breakdown.
 * Anomalous windows do not update the baseline or history, so an incident does not teach the host
 * that it is normal; after {@code newNormalWindows} of them in a row they do (a level that stays
 * is the new normal: it alerts once, then adapts). Windows arrive in event-time order per host.
 */
final class HostBaselineDetector extends KeyedProcessFunction<String, HostWindow, ExposureAlert> {

  private final DetectionConfig config;
  private final Policy policy;
  private final String baselineKind;
  private transient ValueState<Baseline> baseline;
  private transient ValueState<UploadHistory> history;
  private transient ValueState<Streak> streak;

  /** Consecutive windows above the baseline (a Flink POJO). */
  public static final class Streak {
    public long start;
    public long end;
    public int windows;
    public long bytesUp;
    public long peakBytes;
    public long peakStart;
  }

  HostBaselineDetector(DetectionConfig config) {
    this.config = config;
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
    boolean warm = base.count >= config.warmupWindows();
    double up = w.bytesUp;
    double p99 = past.quantile(0.99);
    double score = base.score(up, config.stdFloorFraction());
    boolean spike = warm && up >= Math.max(config.spikeFloorBytes(), config.spikeP99Factor() * p99)
        && up >= config.spikeFactor() * base.mean && score >= config.spikeScore();
    boolean above = warm && up >= Math.max(config.sustainedFloorBytes(), config.sustainedP99Factor() * p99)
        && up >= config.sustainedFactor() * base.mean && score >= config.sustainedScore();

    if (spike) {
      List<VendorShare> shares = Alerts.breakdown(w);
      VendorShare top = shares.get(0);
      String tag = policy.tag("", top.getVendor(), top.getService());
      double strength = Math.min(score / Math.max(config.spikeScore(), 1e-9),
          up / Math.max(config.spikeFactor() * base.mean, 1));
      out.collect(Alerts.alert(Alerts.UPLOAD_SPIKE, w.host, top.getVendor(), top.getService(), w.windowStart,
              w.windowEnd, up, base.mean, baselineKind, score, Severity.of(strength, tag),
              Alerts.top(w.topKeys, w.topBytes), String.format(Locale.ROOT,
                  "%s uploaded %s to %s in the minute from %s, %.0f× its usual %s (the %s; %.1f σ above it)",
                  w.host, Alerts.bytes(up), Alerts.receivers(shares, w.bytesUp), Alerts.minute(w.windowStart),
                  up / Math.max(base.mean, 1), Alerts.bytes(base.mean), baselineKind, score))
          .setPolicy(tag).setTotalBytes(w.bytesUp).setPeakBytes(w.bytesUp).setVendorBreakdown(shares).build());
    }
    trackStreak(w, above, base, out);
    boolean anomalous = spike || above;
    base.anomalousRun = anomalous ? base.anomalousRun + 1 : 0;
    if (!anomalous || base.anomalousRun > config.newNormalWindows()) {
      base.update(up, config.ewmaAlpha());
      past.add(w.bytesUp, w.windowStart, config.history().toMillis());
      history.update(past);
    }
    baseline.update(base);
  }

  private void trackStreak(HostWindow w, boolean above, Baseline base, Collector<ExposureAlert> out)
      throws Exception {
    if (!above) {
      streak.clear();
      return;
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
      return;
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
  }
}
