package io.agentwatch.jobs.detect;

import io.agentwatch.schema.ExposureAlert;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by detector, host and vendor: lets an alert through unless the same key alerted within
 * {@code cooldown} of event time, so one incident (a burst over three minutes, a streak that
 * goes on) gives one alert per detector.
 */
final class Cooldown extends KeyedProcessFunction<String, ExposureAlert, ExposureAlert> {

  private final DetectionConfig config;
  private transient ValueState<Long> lastAlertEnd;

  Cooldown(DetectionConfig config) {
    this.config = config;
  }

  static String key(ExposureAlert alert) {
    return alert.getDetector() + "/" + alert.getHost() + "/" + alert.getVendor();
  }

  @Override
  public void open(OpenContext context) {
    ValueStateDescriptor<Long> last = new ValueStateDescriptor<>("last-alert-end", Long.class);
    last.enableTimeToLive(StateTtlConfig.newBuilder(config.stateTtl()).build());
    lastAlertEnd = getRuntimeContext().getState(last);
  }

  @Override
  public void processElement(ExposureAlert alert, Context context, Collector<ExposureAlert> out) throws Exception {
    long end = alert.getWindowEnd().toEpochMilli();
    Long last = lastAlertEnd.value();
    // Absolute difference: the fleet detector's alerts of one host may arrive slightly out of order.
    if (last != null && Math.abs(end - last) < config.cooldown().toMillis()) {
      return;
    }
    lastAlertEnd.update(end);
    out.collect(alert);
  }
}
