package io.agentwatch.store;

import io.agentwatch.schema.HostTrafficMinute;
import java.util.List;

/**
 * How a {@link HostTrafficMinute} becomes a row of {@code host_traffic_1m}
 * (sql/migrations/009_host_traffic.sql): one row per message, owner and team '' when absent.
 */
public final class HostTrafficRows {

  public static final String TABLE = "host_traffic_1m";

  public static final List<String> COLUMNS = List.of(
      "sensor_id", "sequence", "host", "host_owner", "host_team", "minute_start",
      "bytes_up", "bytes_down", "packets_up", "packets_down", "flows");

  private HostTrafficRows() {}

  /** Appends one row; the order matches {@link #COLUMNS}. */
  public static void encode(RowBinaryWriter out, HostTrafficMinute minute) {
    out.lowCardinalityString(minute.getSensorId())
        .uint64(minute.getSequence())
        .lowCardinalityString(minute.getHost())
        .lowCardinalityString(orEmpty(minute.getHostOwner()))
        .lowCardinalityString(orEmpty(minute.getHostTeam()))
        .dateTime(minute.getMinuteStart())
        .uint64(minute.getBytesUp())
        .uint64(minute.getBytesDown())
        .uint64(minute.getPacketsUp())
        .uint64(minute.getPacketsDown())
        .uint64(minute.getFlows());
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }
}
