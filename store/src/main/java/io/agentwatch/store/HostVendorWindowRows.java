package io.agentwatch.store;

import io.agentwatch.schema.HostVendorWindow;
import java.util.List;

/**
 * How a {@link HostVendorWindow} becomes a row of {@code host_vendor_service_1m}
 * (sql/migrations/004_stream_jobs.sql). The table keeps the window start with second precision
 * (windows start on whole minutes); window_end is implied by the table's one-minute grain; the
 * top uploads go to alerts, not here.
 */
public final class HostVendorWindowRows {

  public static final String TABLE = "host_vendor_service_1m";

  public static final List<String> COLUMNS = List.of(
      "host", "vendor", "service", "window_start", "bytes_up", "bytes_down", "packets_up", "packets_down",
      "flows", "distinct_destinations", "max_upload");

  private HostVendorWindowRows() {}

  /** Appends one row; the order matches {@link #COLUMNS}. */
  public static void encode(RowBinaryWriter out, HostVendorWindow window) {
    out.lowCardinalityString(window.getHost())
        .lowCardinalityString(window.getVendor())
        .lowCardinalityString(window.getService())
        .dateTime(window.getWindowStart())
        .uint64(window.getBytesUp())
        .uint64(window.getBytesDown())
        .uint64(window.getPacketsUp())
        .uint64(window.getPacketsDown())
        .uint64(window.getFlows())
        .uint32(window.getDistinctDestinations())
        .uint64(window.getMaxUpload());
  }
}
