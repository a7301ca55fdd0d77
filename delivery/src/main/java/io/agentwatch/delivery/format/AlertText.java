package io.agentwatch.delivery.format;

import io.agentwatch.delivery.alert.Alert;
import io.agentwatch.schema.ExposureAlert;

/** The short texts people read in chat messages: a title and the facts below it. */
final class AlertText {

  private AlertText() {}

  /** "HIGH upload-spike: build-42 → OpenAI (api)" */
  static String title(Alert alert) {
    ExposureAlert record = alert.record();
    String to = record.getVendor().isEmpty() ? "AI vendors"
        : record.getVendor() + (record.getService().isEmpty() ? "" : " (" + record.getService() + ")");
    return alert.severity().name() + " " + record.getDetector() + ": " + record.getHost() + " → " + to;
  }

  /** Name and value pairs, in the order people scan them. */
  static String[][] facts(Alert alert) {
    ExposureAlert record = alert.record();
    return new String[][] {
        {"Host", record.getHost()},
        {"Team", alert.team().isEmpty() ? "unknown" : alert.team()},
        {"Vendor", record.getVendor().isEmpty() ? "all" : record.getVendor()},
        {"Window", record.getWindowStart() + " – " + record.getWindowEnd()},
        {"Observed", number(record.getObserved())},
        {"Baseline", number(record.getBaseline())},
        {"Score", number(record.getScore())},
        {"Alert", alert.id() + (alert.incidentId().isEmpty() ? "" : " (incident " + alert.incidentId() + " v" + alert.version() + ")")},
    };
  }

  static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : String.format("%.2f", value);
  }
}
