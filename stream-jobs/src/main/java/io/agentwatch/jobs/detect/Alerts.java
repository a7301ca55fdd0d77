package io.agentwatch.jobs.detect;

import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowContribution;
import io.agentwatch.schema.VendorShare;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Builds the detectors' explained alerts. A detector's alert is one anomalous stretch (a window, a
 * streak); {@link Incidents} groups them and gives each record its incident id, state and version.
 */
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
  static final String POLICY = "policy";

  private Alerts() {}

  /**
   * One detection: {@code bytes} uploaded in {@code windows} anomalous windows (the largest,
   * {@code peak}, starting at {@code peakStart}); the incident fields are left to {@link Incidents}.
   */
  static ExposureAlert.Builder alert(String detector, String host, String vendor, String service, long windowStart,
      long windowEnd, double observed, double baseline, String baselineKind, double score, String severity,
      List<FlowContribution> top, String reason) {
    return ExposureAlert.newBuilder()
        .setAlertId(detector + "/" + host + "/" + vendor + "/" + service + "/" + windowStart)
        .setDetector(detector).setHost(host).setVendor(vendor).setService(service)
        .setWindowStart(Instant.ofEpochMilli(windowStart)).setWindowEnd(Instant.ofEpochMilli(windowEnd))
        .setObserved(observed).setBaseline(baseline).setBaselineKind(baselineKind).setScore(score)
        .setSeverity(severity).setPolicy(Policy.UNREVIEWED)
        .setTopFlows(top).setReason(reason)
        .setPeakWindowStart(Instant.ofEpochMilli(windowStart)).setWindows(1);
  }

  static List<FlowContribution> top(String[] keys, long[] bytes) {
    List<FlowContribution> top = new ArrayList<>(keys.length);
    for (int i = 0; i < keys.length; i++) {
      top.add(new FlowContribution(keys[i], bytes[i]));
    }
    return top;
  }

  /** Upload per vendor × service of a host window, largest first (repeats of one pair added up). */
  static List<VendorShare> breakdown(HostWindow w) {
    List<VendorShare> shares = new ArrayList<>(w.vendors.length);
    outer:
    for (int i = 0; i < w.vendors.length; i++) {
      for (VendorShare share : shares) {
        if (share.getVendor().equals(w.vendors[i]) && share.getService().equals(w.services[i])) {
          share.setBytesUp(share.getBytesUp() + w.vendorBytesUp[i]);
          continue outer;
        }
      }
      shares.add(new VendorShare(w.vendors[i], w.services[i], w.vendorBytesUp[i]));
    }
    shares.sort(Comparator.comparingLong(VendorShare::getBytesUp).reversed());
    return shares;
  }

  /** "OpenAI (api)", or with the others when the top vendor got less than all: "OpenAI (api, 80 %; also Anthropic (api) 2.0 MB)". */
  static String receivers(List<VendorShare> shares, long total) {
    if (shares.isEmpty()) {
      return "AI vendors";
    }
    VendorShare top = shares.get(0);
    if (shares.size() == 1) {
      return vendor(top.getVendor(), top.getService());
    }
    StringBuilder text = new StringBuilder(top.getVendor()).append(" (");
    if (!top.getService().isEmpty()) {
      text.append(top.getService()).append(", ");
    }
    text.append(String.format(Locale.ROOT, "%.0f %%; also", 100.0 * top.getBytesUp() / Math.max(total, 1)));
    for (int i = 1; i < Math.min(shares.size(), 3); i++) {
      VendorShare other = shares.get(i);
      text.append(i > 1 ? ", " : " ").append(vendor(other.getVendor(), other.getService())).append(' ')
          .append(bytes(other.getBytesUp()));
    }
    text.append(')');
    return text.toString();
  }

  /** "openai (api)"; a vendor without a catalogued service is named alone. */
  static String vendor(String vendor, String service) {
    return service.isEmpty() ? vendor : vendor + " (" + service + ")";
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
    return Instant.ofEpochMilli(epochMillis).toString().substring(11, 16) + " UTC";
  }

  static String day(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString().substring(0, 10);
  }
}
