package io.agentwatch.jobs.detect;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.HostVendorWindow;
import io.agentwatch.schema.VendorShare;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per host:
 * <ul>
 *   <li>first-contact: the first window in which the host talks to a vendor it has not used within
 *       {@code firstContactMemory} (event time). Hosts seen for less than {@code firstContactWarmup}
 *       do not alert: when the job starts, every vendor of every host is new. There is no baseline
 *       to compare with: baseline and score are 0 and the baseline kind says so;</li>
 *   <li>policy: the first window of each UTC day in which the host uploads to a vendor (or service)
 *       the policy tags unsanctioned; no warm-up (the policy needs no history).</li>
 * </ul>
 *
 * <p>Windows are judged in event-time order: a host's windows come from every subtask of the
 * window operator, interleaved in any order when many fire at once (a backlog read quickly fires
 * its minutes together at one watermark), and a later window judged first would make the host
 * look younger than it is. So each window waits in state until the watermark passes it.
 *
 * <p>The memory is enforced on event time (the last-seen time is kept per vendor); the state's TTL
 * (processing time, all Flink offers) only bounds how long a silent host's state lives.
 */
final class FirstContactDetector extends KeyedProcessFunction<String, HostVendorWindow, ExposureAlert> {

  private static final long DAY = 86_400_000L;

  private final DetectionConfig config;
  private final Policy policy;
  private transient MapState<String, Long> lastSeenByVendor;
  private transient MapState<String, Long> policyAlertDay;
  private transient ValueState<Long> hostFirstSeen;
  /** Windows that came before the watermark passed them, judged in order when it does. */
  private transient ListState<HostVendorWindow> waiting;

  FirstContactDetector(DetectionConfig config) {
    this.config = config;
    this.policy = config.policy();
  }

  @Override
  public void open(OpenContext context) {
    StateTtlConfig ttl = StateTtlConfig.newBuilder(config.stateTtl()).build();
    MapStateDescriptor<String, Long> vendors = new MapStateDescriptor<>("vendor-last-seen", String.class, Long.class);
    vendors.enableTimeToLive(ttl);
    lastSeenByVendor = getRuntimeContext().getMapState(vendors);
    MapStateDescriptor<String, Long> policyDays = new MapStateDescriptor<>("policy-alert-day", String.class, Long.class);
    policyDays.enableTimeToLive(ttl);
    policyAlertDay = getRuntimeContext().getMapState(policyDays);
    ValueStateDescriptor<Long> first = new ValueStateDescriptor<>("host-first-seen", Long.class);
    first.enableTimeToLive(ttl);
    hostFirstSeen = getRuntimeContext().getState(first);
    waiting = getRuntimeContext().getListState(
        new ListStateDescriptor<>("waiting-windows", new AvroTypeInfo<>(HostVendorWindow.class)));
  }

  @Override
  public void processElement(HostVendorWindow w, Context context, Collector<ExposureAlert> out) throws Exception {
    waiting.add(w);
    context.timerService().registerEventTimeTimer(w.getWindowEnd().toEpochMilli() - 1);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<ExposureAlert> out) throws Exception {
    List<HostVendorWindow> due = new ArrayList<>();
    List<HostVendorWindow> later = new ArrayList<>();
    for (HostVendorWindow w : waiting.get()) {
      (w.getWindowEnd().toEpochMilli() - 1 <= timestamp ? due : later).add(w);
    }
    waiting.update(later);
    due.sort(java.util.Comparator.comparing(HostVendorWindow::getWindowStart));
    for (HostVendorWindow w : due) {
      judge(w, out);
    }
  }

  private void judge(HostVendorWindow w, Collector<ExposureAlert> out) throws Exception {
    long start = w.getWindowStart().toEpochMilli();
    Long firstSeen = hostFirstSeen.value();
    if (firstSeen == null) {
      firstSeen = start;
      hostFirstSeen.update(start);
    }
    String tag = policy.tag("", w.getVendor(), w.getService());
    Long last = lastSeenByVendor.get(w.getVendor());
    boolean forgotten = last == null || start - last > config.firstContactMemory().toMillis();
    boolean warm = start - firstSeen >= config.firstContactWarmup().toMillis();
    if (forgotten && warm) {
      out.collect(Alerts.alert(Alerts.FIRST_CONTACT, w.getHost(), w.getVendor(), w.getService(), start,
              w.getWindowEnd().toEpochMilli(), w.getBytesUp(), 0, "none: the host had not used this vendor", 0,
              Severity.adjusted(0, tag), w.getTopUploads(), String.format(Locale.ROOT,
                  "%s contacted %s for the first time %s: %s up in %d flows to %d destinations (policy: %s)",
                  w.getHost(), Alerts.vendor(w.getVendor(), w.getService()),
                  last == null ? "since it was first seen " + Alerts.day(firstSeen) + " " + Alerts.minute(firstSeen)
                      : "in " + config.firstContactMemory().toDays() + " days",
                  Alerts.bytes(w.getBytesUp()), w.getFlows(), w.getDistinctDestinations(), tag))
          .setPolicy(tag).setTotalBytes(w.getBytesUp()).setPeakBytes(w.getBytesUp())
          .setVendorBreakdown(List.of(new VendorShare(w.getVendor(), w.getService(), w.getBytesUp()))).build());
    }
    if (last == null || start > last) {
      lastSeenByVendor.put(w.getVendor(), start);
    }
    if (Policy.UNSANCTIONED.equals(tag) && w.getBytesUp() > 0) {
      String pair = w.getVendor() + "/" + w.getService();
      Long day = policyAlertDay.get(pair);
      if (day == null || day != start / DAY) {
        policyAlertDay.put(pair, start / DAY);
        out.collect(Alerts.alert(Alerts.POLICY, w.getHost(), w.getVendor(), w.getService(), start,
                w.getWindowEnd().toEpochMilli(), w.getBytesUp(), 0, "none: the vendor is unsanctioned", 0,
                Severity.adjusted(w.getBytesUp() >= config.spikeFloorBytes() ? 1 : 0, tag), w.getTopUploads(),
                String.format(Locale.ROOT,
                    "%s uploaded %s to %s, which the policy tags unsanctioned: its first use on %s (from %s)",
                    w.getHost(), Alerts.bytes(w.getBytesUp()), Alerts.vendor(w.getVendor(), w.getService()),
                    Alerts.day(start), Alerts.minute(start)))
            .setPolicy(tag).setTotalBytes(w.getBytesUp()).setPeakBytes(w.getBytesUp())
            .setVendorBreakdown(List.of(new VendorShare(w.getVendor(), w.getService(), w.getBytesUp()))).build());
      }
    }
  }
}
