package io.agentwatch.jobs.detect;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.HostVendorWindow;
import java.util.Locale;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * A host × vendor × service window that sends far more than it receives (ratio above
 * {@code heavyRatio}) with upload above {@code heavyFloorBytes}: a chat or completion answers
 * with more than it is sent, a bulk upload does not. Stateless; cooldown is applied downstream.
 */
final class UploadHeavyDetector implements FlatMapFunction<HostVendorWindow, ExposureAlert> {

  private final DetectionConfig config;

  UploadHeavyDetector(DetectionConfig config) {
    this.config = config;
  }

  @Override
  public void flatMap(HostVendorWindow w, Collector<ExposureAlert> out) {
    double ratio = (double) w.getBytesUp() / Math.max(w.getBytesDown(), 1);
    if (w.getBytesUp() >= config.heavyFloorBytes() && ratio >= config.heavyRatio()) {
      out.collect(Alerts.alert(Alerts.UPLOAD_HEAVY, w.getHost(), w.getVendor(), w.getService(),
          w.getWindowStart().toEpochMilli(), w.getWindowEnd().toEpochMilli(), ratio, config.heavyRatio(),
          ratio / config.heavyRatio(), w.getTopUploads(), String.format(Locale.ROOT,
              "%s sent %s to %s (%s) and got %s back in the minute from %s: upload/download %.0f, above %.0f",
              w.getHost(), Alerts.bytes(w.getBytesUp()), w.getVendor(), w.getService(), Alerts.bytes(w.getBytesDown()),
              Alerts.minute(w.getWindowStart().toEpochMilli()), ratio, config.heavyRatio())));
    }
  }
}
