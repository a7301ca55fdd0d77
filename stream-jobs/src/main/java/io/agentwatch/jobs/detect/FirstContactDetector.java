package io.agentwatch.jobs.detect;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.HostVendorWindow;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per host: the first window in which the host talks to a vendor it has not used within
 * {@code firstContactMemory} (event time). Hosts seen for less than {@code firstContactWarmup}
 * do not alert: when the job starts, every vendor of every host is new.
 *
 * <p>The memory is enforced on event time (the last-seen time is kept per vendor); the state's TTL
 * (processing time, all Flink offers) only bounds how long a silent host's state lives.
 */
final class FirstContactDetector extends KeyedProcessFunction<String, HostVendorWindow, ExposureAlert> {

  private final DetectionConfig config;
  private transient MapState<String, Long> lastSeenByVendor;
  private transient ValueState<Long> hostFirstSeen;

  FirstContactDetector(DetectionConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext context) {
    StateTtlConfig ttl = StateTtlConfig.newBuilder(config.stateTtl()).build();
    MapStateDescriptor<String, Long> vendors = new MapStateDescriptor<>("vendor-last-seen", String.class, Long.class);
    vendors.enableTimeToLive(ttl);
    lastSeenByVendor = getRuntimeContext().getMapState(vendors);
    ValueStateDescriptor<Long> first = new ValueStateDescriptor<>("host-first-seen", Long.class);
    first.enableTimeToLive(ttl);
    hostFirstSeen = getRuntimeContext().getState(first);
  }

  @Override
  public void processElement(HostVendorWindow w, Context context, Collector<ExposureAlert> out) throws Exception {
    long start = w.getWindowStart().toEpochMilli();
    Long firstSeen = hostFirstSeen.value();
    if (firstSeen == null) {
      firstSeen = start;
      hostFirstSeen.update(start);
    }
    Long last = lastSeenByVendor.get(w.getVendor());
    boolean forgotten = last == null || start - last > config.firstContactMemory().toMillis();
    boolean warm = start - firstSeen >= config.firstContactWarmup().toMillis();
    if (forgotten && warm) {
      out.collect(Alerts.alert(Alerts.FIRST_CONTACT, w.getHost(), w.getVendor(), w.getService(), start,
          w.getWindowEnd().toEpochMilli(), w.getBytesUp(), 0, 1, w.getTopUploads(), String.format(Locale.ROOT,
              "%s contacted %s (%s) for the first time %s: %s up in %d flows to %d destinations",
              w.getHost(), w.getVendor(), w.getService().isEmpty() ? "no service" : w.getService(),
              last == null ? "since it was first seen " + Alerts.minute(firstSeen)
                  : "in " + config.firstContactMemory().toDays() + " days",
              Alerts.bytes(w.getBytesUp()), w.getFlows(), w.getDistinctDestinations())));
    }
    if (last == null || start > last) {
      lastSeenByVendor.put(w.getVendor(), start);
    }
  }
}
