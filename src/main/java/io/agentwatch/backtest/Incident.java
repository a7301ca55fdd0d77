package io.agentwatch.backtest;

import io.agentwatch.api.QueryResult;
import io.agentwatch.schema.ExposureAlert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One incident as its latest version shows it: what the named query {@code incidents} gives per
 * row, and what the backtest makes of the records its detectors raise.
 */
public record Incident(String incidentId, String alertId, String detector, String host, String vendor, String service,
    Instant start, Instant end, String severity, long totalBytes, long windows, String reason) {

  public static final String QUERY = "incidents";

  /** The incidents of alert records: per incident id, its highest version. */
  public static List<Incident> of(Collection<ExposureAlert> alerts) {
    Map<String, ExposureAlert> latest = new LinkedHashMap<>();
    for (ExposureAlert alert : alerts) {
      String id = alert.getIncidentId().isEmpty() ? alert.getAlertId() : alert.getIncidentId();
      latest.merge(id, alert, (a, b) -> b.getVersion() > a.getVersion() ? b : a);
    }
    List<Incident> incidents = new ArrayList<>(latest.size());
    latest.forEach((id, a) -> incidents.add(new Incident(id, a.getAlertId(), a.getDetector(), a.getHost(), a.getVendor(),
        a.getService(), a.getWindowStart(), a.getWindowEnd(), a.getSeverity(), a.getTotalBytes(), a.getWindows(),
        a.getReason())));
    return incidents;
  }

  /** The rows of the named query {@code incidents}. */
  public static List<Incident> of(QueryResult result) {
    Columns columns = new Columns(QUERY, result);
    List<Incident> incidents = new ArrayList<>(result.rows().size());
    for (List<Object> row : result.rows()) {
      incidents.add(new Incident(columns.text(row, "incident_id"), columns.text(row, "alert_id"),
          columns.text(row, "detector"), columns.text(row, "host"), columns.text(row, "vendor"),
          columns.text(row, "service"), (Instant) columns.value(row, "window_start"),
          (Instant) columns.value(row, "window_end"), columns.text(row, "severity"), columns.number(row, "total_bytes"),
          columns.number(row, "windows"), columns.text(row, "reason")));
    }
    return incidents;
  }

  /** Whether {@code other} is the same incident: same detector, host and vendor, and their times overlap. */
  boolean sameAs(Incident other) {
    return detector.equals(other.detector) && host.equals(other.host) && vendor.equals(other.vendor)
        && start.isBefore(other.end) && other.start.isBefore(end);
  }
}
