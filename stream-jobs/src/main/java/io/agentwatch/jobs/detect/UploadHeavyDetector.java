package io.agentwatch.jobs.detect;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.VendorShare;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * A vendor × service in a host's window that receives far more than it sends back (ratio above
 * {@code heavyRatio}) with upload above {@code heavyFloorBytes} and above its host's bar
 * ({@link HostWindow#hostBar}: a heavy user's ordinary minute or nightly job with a high ratio is
 * not an alert; a host still warming up is not judged): a chat or completion answers with more than
 * it is sent, a bulk upload does not. Stateless; incidents group downstream.
 */
final class UploadHeavyDetector implements FlatMapFunction<HostWindow, ExposureAlert> {

  private final DetectionConfig config;
  private final Policy policy;

  UploadHeavyDetector(DetectionConfig config) {
    this.config = config;
    this.policy = config.policy();
  }

  @Override
  public void flatMap(HostWindow w, Collector<ExposureAlert> out) {
    for (int i = 0; i < w.vendors.length; i++) {
      long up = w.vendorBytesUp[i];
      long down = w.vendorBytesDown[i];
      double ratio = (double) up / Math.max(down, 1);
      if (up < config.heavyFloorBytes() || ratio < config.heavyRatio() || up < w.hostBar) {
        continue;
      }
      String vendor = w.vendors[i];
      String service = w.services[i];
      String tag = policy.tag("", vendor, service);
      // As strong as its weaker side: a huge ratio on a small upload is not critical.
      double strength = Math.min(ratio / Math.max(config.heavyRatio(), 1e-9),
          up / (double) Math.max(config.heavyFloorBytes(), 1));
      out.collect(Alerts.alert(Alerts.UPLOAD_HEAVY, w.host, vendor, service, w.windowStart, w.windowEnd, ratio,
              config.heavyRatio(), "the upload/download ratio threshold (detect.heavy.ratio)", strength,
              Severity.of(strength, tag), Alerts.top(w.topKeys, w.topBytes), String.format(Locale.ROOT,
                  "%s sent %s to %s and got %s back in the minute from %s: upload/download %.0f, above %.0f,"
                      + " and %.1f× the most its own past allows in a minute (%s)",
                  w.host, Alerts.bytes(up), Alerts.vendor(vendor, service), Alerts.bytes(down),
                  Alerts.minute(w.windowStart), ratio, config.heavyRatio(), up / w.hostBar,
                  Alerts.bytes(w.hostBar)))
          .setPolicy(tag).setTotalBytes(up).setPeakBytes(up)
          .setVendorBreakdown(List.of(new VendorShare(vendor, service, up))).build());
    }
  }
}
