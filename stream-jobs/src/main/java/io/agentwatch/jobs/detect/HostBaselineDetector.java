package io.agentwatch.jobs.detect;

import io.agentwatch.schema.ExposureAlert;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per host, against the host's own adaptive baseline (EWMA of upload per active window):
 * <ul>
 *   <li>upload-spike: one window far above the baseline (score, factor and absolute floor);</li>
 *   <li>sustained-upload: {@code sustainedWindows} consecutive windows above the baseline (a
 *       lower bar than a spike, held for long: the slow exfiltration a spike detector misses).</li>
 * </ul>
 * Windows above the baseline do not update it, so an incident does not teach the baseline that
 * it is normal. Windows arrive in event-time order per host (they are emitted at the watermark).
 */
final class HostBaselineDetector extends KeyedProcessFunction<String, HostWindow, ExposureAlert> {

  private final DetectionConfig config;
  private transient ValueState<Baseline> baseline;
  private transient ValueState<Streak> streak;

  /** Consecutive windows above the baseline (a Flink POJO). */
  public static final class Streak {
    public long start;
    public long end;
    public int windows;
    public long bytesUp;
  }

  HostBaselineDetector(DetectionConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext context) {
    StateTtlConfig ttl = StateTtlConfig.newBuilder(config.stateTtl()).build();
    ValueStateDescriptor<Baseline> b = new ValueStateDescriptor<>("baseline", Baseline.class);
    b.enableTimeToLive(ttl);
    baseline = getRuntimeContext().getState(b);
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
    boolean warm = base.count >= config.warmupWindows();
    double up = w.bytesUp;
    double score = base.score(up, config.stdFloorFraction());
    boolean spike = warm && up >= config.spikeFloorBytes() && up >= config.spikeFactor() * base.mean
        && score >= config.spikeScore();
    boolean above = warm && up >= config.sustainedFloorBytes() && up >= config.sustainedFactor() * base.mean
        && score >= config.sustainedScore();

    if (spike) {
      out.collect(Alerts.alert(Alerts.UPLOAD_SPIKE, w.host, "", "", w.windowStart, w.windowEnd, up, base.mean, score,
          Alerts.top(w.topKeys, w.topBytes), String.format(Locale.ROOT,
              "%s uploaded %s to AI vendors in the minute from %s, %.0f× its usual %s (%.1f σ above its baseline)",
              w.host, Alerts.bytes(up), Alerts.minute(w.windowStart), up / Math.max(base.mean, 1), Alerts.bytes(base.mean),
              score)));
    }
    trackStreak(w, above, base, out);
    if (!above && !spike) {
      base.update(up, config.ewmaAlpha());
      baseline.update(base);
    }
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
    streak.update(s);
    if (s.windows == config.sustainedWindows()) {
      double perWindow = (double) s.bytesUp / s.windows;
      out.collect(Alerts.alert(Alerts.SUSTAINED_UPLOAD, w.host, "", "", s.start, s.end, perWindow, base.mean,
          base.score(perWindow, config.stdFloorFraction()), Alerts.top(w.topKeys, w.topBytes),
          String.format(Locale.ROOT,
              "%s has uploaded %s per minute for %d minutes since %s, %.1f× its usual %s per minute (%s in all)",
              w.host, Alerts.bytes(perWindow), s.windows, Alerts.minute(s.start), perWindow / Math.max(base.mean, 1),
              Alerts.bytes(base.mean), Alerts.bytes(s.bytesUp))));
    }
  }
}
