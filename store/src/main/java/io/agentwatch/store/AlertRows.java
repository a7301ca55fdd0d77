package io.agentwatch.store;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowContribution;
import io.agentwatch.schema.VendorShare;
import java.util.List;

/**
 * How an {@link ExposureAlert} becomes a row of {@code alerts} (sql/migrations/004_stream_jobs.sql,
 * incident columns from 020_alert_incidents.sql).
 */
public final class AlertRows {

  public static final String TABLE = "alerts";

  public static final List<String> COLUMNS = List.of(
      "alert_id", "detector", "host", "vendor", "service", "window_start", "window_end", "observed", "baseline",
      "score", "top_flows", "reason", "incident_id", "state", "version", "severity", "policy", "host_team",
      "baseline_kind", "total_bytes", "peak_bytes", "peak_window_start", "windows", "vendor_breakdown");

  private AlertRows() {}

  /** Appends one row; top flows as 'flow key (bytes up)'. */
  public static void encode(RowBinaryWriter out, ExposureAlert alert) {
    out.string(alert.getAlertId())
        .lowCardinalityString(alert.getDetector())
        .lowCardinalityString(alert.getHost())
        .lowCardinalityString(alert.getVendor())
        .lowCardinalityString(alert.getService())
        .dateTime(alert.getWindowStart())
        .dateTime(alert.getWindowEnd())
        .float64(alert.getObserved())
        .float64(alert.getBaseline())
        .float64(alert.getScore())
        .stringArray(alert.getTopFlows().stream().map(AlertRows::describe).toList())
        .string(alert.getReason())
        .string(alert.getIncidentId())
        .lowCardinalityString(alert.getState())
        .uint32(alert.getVersion())
        .lowCardinalityString(alert.getSeverity())
        .lowCardinalityString(alert.getPolicy())
        .lowCardinalityString(alert.getHostTeam())
        .string(alert.getBaselineKind())
        .uint64(alert.getTotalBytes())
        .uint64(alert.getPeakBytes())
        .dateTime(alert.getPeakWindowStart())
        .uint32(alert.getWindows());
    out.arrayLength(alert.getVendorBreakdown().size());
    for (VendorShare share : alert.getVendorBreakdown()) {
      out.string(share.getVendor()).string(share.getService()).uint64(share.getBytesUp());
    }
  }

  private static String describe(FlowContribution flow) {
    return flow.getFlowKey() + " (" + flow.getBytesUp() + " B up)";
  }
}
