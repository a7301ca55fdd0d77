package io.agentwatch.jobs.detect;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.VendorShare;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by window start: collects every active host's upload in the window and, when the
 * watermark passes the window's end, flags hosts far above the fleet's median (in scaled MADs,
 * a robust spread that one huge host cannot inflate), with a factor and an absolute floor, when it
 * is also above its own bar ({@link HostWindow#hostBar}: a heavy steady user is always far above
 * the fleet; a host still warming up is counted in the fleet but not judged).
 */
final class FleetOutlierDetector extends KeyedProcessFunction<Long, HostWindow, ExposureAlert> {

  private final DetectionConfig config;
  private final Policy policy;
  private transient ListState<HostWindow> hosts;

  FleetOutlierDetector(DetectionConfig config) {
    this.config = config;
    this.policy = config.policy();
  }

  @Override
  public void open(OpenContext context) {
    hosts = getRuntimeContext().getListState(new ListStateDescriptor<>("hosts-in-window", HostWindow.class));
  }

  @Override
  public void processElement(HostWindow w, Context context, Collector<ExposureAlert> out) throws Exception {
    hosts.add(w);
    // Host windows carry the window's last millisecond as their timestamp: all of them are here
    // once the watermark has passed it.
    context.timerService().registerEventTimeTimer(w.windowEnd - 1);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<ExposureAlert> out) throws Exception {
    List<HostWindow> all = new ArrayList<>();
    hosts.get().forEach(all::add);
    hosts.clear();
    if (all.size() < config.fleetMinHosts()) {
      return;
    }
    double[] uploads = all.stream().mapToDouble(h -> h.bytesUp).sorted().toArray();
    double median = median(uploads);
    double[] deviations = Arrays.stream(uploads).map(u -> Math.abs(u - median)).sorted().toArray();
    // 1.4826 × MAD estimates σ for normal data; floored so a fleet of identical hosts has a spread.
    double spread = Math.max(1.4826 * median(deviations), config.stdFloorFraction() * median);
    for (HostWindow h : all) {
      double score = spread == 0 ? Double.MAX_VALUE : (h.bytesUp - median) / spread;
      if (h.bytesUp >= config.fleetFloorBytes() && h.bytesUp >= config.fleetFactor() * median
          && score >= config.fleetScore() && h.bytesUp >= h.hostBar) {
        List<VendorShare> shares = Alerts.breakdown(h);
        VendorShare top = shares.get(0);
        String tag = policy.tag("", top.getVendor(), top.getService());
        double strength = Math.min(score / Math.max(config.fleetScore(), 1e-9),
            h.bytesUp / Math.max(config.fleetFactor() * median, 1));
        String baselineKind = "median upload of the " + all.size() + " active hosts in the minute";
        out.collect(Alerts.alert(Alerts.FLEET_OUTLIER, h.host, top.getVendor(), top.getService(), h.windowStart,
                h.windowEnd, h.bytesUp, median, baselineKind, score, Severity.of(strength, tag),
                Alerts.top(h.topKeys, h.topBytes), String.format(Locale.ROOT,
                    "%s uploaded %s to %s in the minute from %s while the median of %d active hosts was %s"
                        + " (%.0f MADs above)",
                    h.host, Alerts.bytes(h.bytesUp), Alerts.receivers(shares, h.bytesUp), Alerts.minute(h.windowStart),
                    all.size(), Alerts.bytes(median), score))
            .setPolicy(tag).setTotalBytes(h.bytesUp).setPeakBytes(h.bytesUp).setVendorBreakdown(shares).build());
      }
    }
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
