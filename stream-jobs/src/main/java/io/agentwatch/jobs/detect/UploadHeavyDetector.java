package io.agentwatch.jobs.detect;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.HostVendorWindow;
import io.agentwatch.schema.VendorShare;
import java.util.List;
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
  private final Policy policy;

  UploadHeavyDetector(DetectionConfig config) {
    this.config = config;
    this.policy = config.policy();
  }

  @Override
  public void flatMap(HostVendorWindow w, Collector<ExposureAlert> out) {
    double ratio = (double) w.getBytesUp() / Math.max(w.getBytesDown(), 1);
    if (w.getBytesUp() >= config.heavyFloorBytes() && ratio >= config.heavyRatio()) {
      String tag = policy.tag("", w.getVendor(), w.getService());
      // As strong as its weaker side: a huge ratio on a small upload is not critical.
      double strength = Math.min(ratio / Math.max(config.heavyRatio(), 1e-9),
          w.getBytesUp() / (double) Math.max(config.heavyFloorBytes(), 1));
      out.collect(Alerts.alert(Alerts.UPLOAD_HEAVY, w.getHost(), w.getVendor(), w.getService(),
              w.getWindowStart().toEpochMilli(), w.getWindowEnd().toEpochMilli(), ratio, config.heavyRatio(),
              "the upload/download ratio threshold (detect.heavy.ratio)", strength, Severity.of(strength, tag),
              w.getTopUploads(), String.format(Locale.ROOT,
                  "%s sent %s to %s and got %s back in the minute from %s: upload/download %.0f, above %.0f",
                  w.getHost(), Alerts.bytes(w.getBytesUp()), Alerts.vendor(w.getVendor(), w.getService()),
                  Alerts.bytes(w.getBytesDown()), Alerts.minute(w.getWindowStart().toEpochMilli()), ratio,
                  config.heavyRatio()))
          .setPolicy(tag).setTotalBytes(w.getBytesUp()).setPeakBytes(w.getBytesUp())
          .setVendorBreakdown(List.of(new VendorShare(w.getVendor(), w.getService(), w.getBytesUp()))).build());
    }
  }
}
