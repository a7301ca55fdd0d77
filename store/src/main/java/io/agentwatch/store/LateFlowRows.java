package io.agentwatch.store;

import io.agentwatch.schema.FlowRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How a flow record that missed its window becomes a row of {@code late_flows}
 * (sql/migrations/004_stream_jobs.sql).
 */
public final class LateFlowRows {

  public static final String TABLE = "late_flows";

  public static final List<String> COLUMNS = List.of(
      "sensor_id", "sequence", "host", "vendor", "service", "dst_ip", "last_seen", "window_start",
      "bytes_up", "bytes_down");

  private LateFlowRows() {}

  /** Appends a row for {@code flow}, whose window of length {@code window} had closed. */
  public static void encode(RowBinaryWriter out, FlowRecord flow, Duration window) {
    long windowMillis = window.toMillis();
    long eventMillis = flow.getLastSeen().toEpochMilli();
      out.lowCardinalityString(flow.getSensorId())
          .uint64(flow.getSequence())
          .lowCardinalityString(flow.getHost())
          .lowCardinalityString(orEmpty(flow.getVendor()))
          .lowCardinalityString(orEmpty(flow.getService()))
          .ipv6(flow.getDstIp())
          .dateTime64(flow.getLastSeen(), 6)
          .dateTime(Instant.ofEpochMilli(eventMillis - Math.floorMod(eventMillis, windowMillis)))
          .uint64(flow.getBytesUp())
          .uint64(flow.getBytesDown());
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
