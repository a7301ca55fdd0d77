package io.agentwatch.store;

import java.time.Instant;
import java.util.List;

/**
 * How the part of a flow record that missed its window becomes a row of {@code late_flows}
 * (sql/migrations/004_stream_jobs.sql): the job spreads a record over the windows it lasted, so a
 * row says which record (sensor, sequence, last_seen), which window it missed and the bytes of
 * that window the aggregates lack.
 */
public final class LateFlowRows {

  public static final String TABLE = "late_flows";

  public static final List<String> COLUMNS = List.of(
      "sensor_id", "sequence", "host", "vendor", "service", "dst_ip", "last_seen", "window_start",
      "bytes_up", "bytes_down");

  private LateFlowRows() {}

  /** Appends a row for the part of record ({@code sensorId}, {@code sequence}) whose window had closed. */
  public static void encode(RowBinaryWriter out, String sensorId, long sequence, String host, String vendor,
      String service, String dstIp, Instant lastSeen, Instant windowStart, long bytesUp, long bytesDown) {
    out.lowCardinalityString(sensorId)
        .uint64(sequence)
        .lowCardinalityString(host)
        .lowCardinalityString(orEmpty(vendor))
        .lowCardinalityString(orEmpty(service))
        .ipv6(dstIp)
        .dateTime64(lastSeen, 6)
        .dateTime(windowStart)
        .uint64(bytesUp)
        .uint64(bytesDown);
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
