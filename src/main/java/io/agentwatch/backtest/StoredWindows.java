package io.agentwatch.backtest;

import io.agentwatch.api.QueryResult;
import io.agentwatch.schema.HostVendorWindow;
import io.agentwatch.schema.SchemaTrust;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of the named query {@code host_vendor_windows} (the stored per host × vendor × service
 * minutes) as the job's {@link HostVendorWindow}s, in the query's order (oldest first). The table
 * keeps no top uploads: the replayed windows carry none, so the backtest's alerts quote no flows.
 */
public final class StoredWindows {

  public static final String QUERY = "host_vendor_windows";

  static {
    // A window holds nested records (its top uploads), which Avro looks up by class: trust the schema package first.
    SchemaTrust.ensure();
  }

  private StoredWindows() {}

  /** Each row as a window of length {@code window} (the table's grain). */
  public static List<HostVendorWindow> from(QueryResult result, Duration window) {
    Columns columns = new Columns(QUERY, result);
    List<HostVendorWindow> windows = new ArrayList<>(result.rows().size());
    for (List<Object> row : result.rows()) {
      Instant start = (Instant) columns.value(row, "window_start");
      windows.add(HostVendorWindow.newBuilder()
          .setHost(columns.text(row, "host"))
          .setVendor(columns.text(row, "vendor"))
          .setService(columns.text(row, "service"))
          .setWindowStart(start)
          .setWindowEnd(start.plus(window))
          .setBytesUp(columns.number(row, "bytes_up"))
          .setBytesDown(columns.number(row, "bytes_down"))
          .setPacketsUp(columns.number(row, "packets_up"))
          .setPacketsDown(columns.number(row, "packets_down"))
          .setFlows(columns.number(row, "flows"))
          .setDistinctDestinations((int) columns.number(row, "distinct_destinations"))
          .setMaxUpload(columns.number(row, "max_upload"))
          .setTopUploads(List.of())
          .build());
    }
    return windows;
  }
}
