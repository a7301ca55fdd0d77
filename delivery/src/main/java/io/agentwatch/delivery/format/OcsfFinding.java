package io.agentwatch.delivery.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.delivery.alert.Alert;
import io.agentwatch.schema.ExposureAlert;

/**
 * An alert as an OCSF Detection Finding (class_uid 2004, category Findings 2): activity Create for
 * an incident's first alert, Update for its later versions, Close when the alert says the incident
 * closed; the whole alert in {@code unmapped} so nothing is lost to the mapping.
 */
public final class OcsfFinding {

  public static final int CLASS_UID = 2004;
  static final int CATEGORY_UID = 2;
  static final String OCSF_VERSION = "1.3.0";

  private OcsfFinding() {}

  public static ObjectNode of(Alert alert, String productVersion) {
    ExposureAlert record = alert.record();
    int activity = "closed".equalsIgnoreCase(alert.state()) ? 3 : alert.version() > 0 ? 2 : 1;
    ObjectNode finding = AlertJson.MAPPER.createObjectNode();
    finding.put("class_uid", CLASS_UID);
    finding.put("class_name", "Detection Finding");
    finding.put("category_uid", CATEGORY_UID);
    finding.put("category_name", "Findings");
    finding.put("activity_id", activity);
    finding.put("type_uid", CLASS_UID * 100 + activity);
    finding.put("time", record.getWindowEnd().toEpochMilli());
    finding.put("severity_id", severityId(alert));
    finding.put("severity", alert.severity().name().charAt(0) + alert.severity().text().substring(1));
    finding.put("status_id", activity == 3 ? 4 : 1); // Closed, or New
    finding.put("message", record.getReason());
    ObjectNode metadata = finding.putObject("metadata");
    metadata.put("version", OCSF_VERSION);
    metadata.put("uid", alert.deliveryKey());
    metadata.putObject("product").put("name", "AgentWatch").put("vendor_name", "AgentWatch").put("version", productVersion);
    ObjectNode info = finding.putObject("finding_info");
    info.put("uid", alert.incidentId().isEmpty() ? alert.id() : alert.incidentId());
    info.put("title", AlertText.title(alert));
    info.put("desc", record.getReason());
    info.putArray("types").add(record.getDetector());
    info.put("first_seen_time", record.getWindowStart().toEpochMilli());
    info.put("last_seen_time", record.getWindowEnd().toEpochMilli());
    finding.putObject("device").put("hostname", record.getHost()).put("type_id", 0);
    finding.set("unmapped", AlertJson.of(alert));
    return finding;
  }

  /** OCSF: 1 informational, 2 low, 3 medium, 4 high, 5 critical. */
  static int severityId(Alert alert) {
    return alert.severity().ordinal() + 2;
  }
}
