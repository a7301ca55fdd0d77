package io.agentwatch.jobs.detect;

import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowContribution;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds explained alerts with deterministic ids, so a replayed alert is the same alert. */
final class Alerts {

  static {
    // Records with nested record types are looked up by class: trust the schema package first.
    SchemaTrust.ensure();
  }


  static final String UPLOAD_SPIKE = "upload-spike";
  static final String FIRST_CONTACT = "first-contact";
  static final String UPLOAD_HEAVY = "upload-heavy";
  static final String SUSTAINED_UPLOAD = "sustained-upload";
  static final String FLEET_OUTLIER = "fleet-outlier";

  private Alerts() {}

  static ExposureAlert alert(String detector, String host, String vendor, String service, long windowStart,
      long windowEnd, double observed, double baseline, double score, List<FlowContribution> top, String reason) {
    return ExposureAlert.newBuilder()
        .setAlertId(detector + "/" + host + "/" + vendor + "/" + service + "/" + windowStart)
        .setDetector(detector).setHost(host).setVendor(vendor).setService(service)
        .setWindowStart(Instant.ofEpochMilli(windowStart)).setWindowEnd(Instant.ofEpochMilli(windowEnd))
        .setObserved(observed).setBaseline(baseline).setScore(score)
        .setTopFlows(top).setReason(reason)
        .build();
  }

  static List<FlowContribution> top(String[] keys, long[] bytes) {
    List<FlowContribution> top = new ArrayList<>(keys.length);
    for (int i = 0; i < keys.length; i++) {
      top.add(new FlowContribution(keys[i], bytes[i]));
    }
    return top;
  }

  /** Bytes for people: 1.2 MB, 350 MB. */
  static String bytes(double value) {
    if (value >= 1e9) {
      return String.format(Locale.ROOT, "%.1f GB", value / 1e9);
    }
    if (value >= 1e6) {
      return String.format(Locale.ROOT, "%.1f MB", value / 1e6);
    }
    return String.format(Locale.ROOT, "%.0f kB", value / 1e3);
  }

  static String minute(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString().substring(0, 16) + "Z";
  }
}
