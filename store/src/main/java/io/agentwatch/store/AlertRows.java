package io.agentwatch.store;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowContribution;
import java.util.List;

/** How an {@link ExposureAlert} becomes a row of {@code alerts} (sql/migrations/004_stream_jobs.sql). */
public final class AlertRows {

  public static final String TABLE = "alerts";

  public static final List<String> COLUMNS = List.of(
      "alert_id", "detector", "host", "vendor", "service", "window_start", "window_end", "observed", "baseline",
      "score", "top_flows", "reason");

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
        .string(alert.getReason());
  }

  private static String describe(FlowContribution flow) {
    return flow.getFlowKey() + " (" + flow.getBytesUp() + " B up)";
  }
}
