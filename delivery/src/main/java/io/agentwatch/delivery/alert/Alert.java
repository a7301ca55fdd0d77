package io.agentwatch.delivery.alert;

import io.agentwatch.schema.ExposureAlert;
import org.apache.avro.Schema;

/**
 * An alert as delivery sees it: the record from the alerts topic, and the few facts routing and
 * deduplication need. Fields the detection job adds over time (incident_id, version, severity,
 * state, host_team) are read by name when the record's schema has them, so this works with the alerts
 * written before and after they were added.
 *
 * @param severity the alert's own severity, or {@link Severity#fromScore} when it has none
 * @param version the incident's update number (0 when the alert carries none): (id, version) is
 *     what a receiver gets at most once
 */
public record Alert(ExposureAlert record, String incidentId, long version, Severity severity, String state,
    String team) {


  public static Alert of(ExposureAlert record) {
    String severityText = text(record, "severity");
    Severity severity;
    try {
      severity = severityText.isEmpty() ? Severity.fromScore(record.getScore()) : Severity.parse(severityText);
    } catch (IllegalArgumentException e) {
      severity = Severity.fromScore(record.getScore()); // a severity this reader does not know yet
    }
    long version = value(record, "version") instanceof Number number ? number.longValue() : 0;
    String team = text(record, "host_team");
    return new Alert(record, text(record, "incident_id"), version, severity, text(record, "state"),
        team.isEmpty() ? text(record, "team") : team);
  }

  public String id() {
    return record.getAlertId();
  }

  /** What a receiver gets once: the alert id and the incident's update number. */
  public String deliveryKey() {
    return id() + "#" + version;
  }

  /** The value of a field by name, or null when this record's schema has no such field. */
  public static Object value(ExposureAlert record, String name) {
    Schema.Field field = record.getSchema().getField(name);
    return field == null ? null : record.get(field.pos());
  }

  private static String text(ExposureAlert record, String name) {
    Object value = value(record, name);
    return value == null ? "" : value.toString();
  }
}
