package io.agentwatch.store;

import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.FlowText;
import java.util.List;

/**
 * How a {@link FlowRecord} becomes a row of the {@code flows} table (sql/migrations/001_flows.sql,
 * plus ech, community_id and confidence from 003_flows_identification.sql, host_owner and host_team
 * from 005_flows_host_owner_team.sql): the column list and
 * the RowBinary encoding, in the same order.
 *
 * <p>Absent text (null SNI, vendor, ...) is stored as '' (the columns are not Nullable: see the
 * migration for why), addresses as IPv6 (IPv4 mapped to ::ffff:a.b.c.d), times with microseconds.
 */
public final class FlowRows {

  public static final String TABLE = "flows";

  public static final List<String> COLUMNS = List.of(
      "sensor_id", "sequence", "host", "src_ip", "src_port", "dst_ip", "dst_port", "transport",
      "first_seen", "last_seen", "packets_up", "packets_down", "bytes_up", "bytes_down",
      "sni", "alpn", "ja4", "dns_name", "vendor", "service", "category", "identified_by", "end_reason",
      "ech", "community_id", "confidence", "host_owner", "host_team");

  private FlowRows() {}

  /** Appends one row; the order matches {@link #COLUMNS}. */
  public static void encode(RowBinaryWriter out, FlowRecord flow) {
    out.lowCardinalityString(flow.getSensorId())
        .uint64(flow.getSequence())
        .lowCardinalityString(flow.getHost())
        .ipv6(flow.getSrcIp())
        .uint16(flow.getSrcPort())
        .ipv6(flow.getDstIp())
        .uint16(flow.getDstPort())
        .lowCardinalityString(text(flow.getTransport()))
        .dateTime64(flow.getFirstSeen(), 6)
        .dateTime64(flow.getLastSeen(), 6)
        .uint64(flow.getPacketsUp())
        .uint64(flow.getPacketsDown())
        .uint64(flow.getBytesUp())
        .uint64(flow.getBytesDown())
        .string(orEmpty(flow.getSni()))
        .lowCardinalityString(orEmpty(flow.getAlpn()))
        .lowCardinalityString(orEmpty(flow.getJa4()))
        .string(orEmpty(flow.getDnsName()))
        .lowCardinalityString(orEmpty(flow.getVendor()))
        .lowCardinalityString(orEmpty(flow.getService()))
        .lowCardinalityString(orEmpty(flow.getCategory()))
        .lowCardinalityString(text(flow.getIdentifiedBy()))
        .lowCardinalityString(text(flow.getEndReason()))
        .uint8(flow.getEch() ? 1 : 0)
        .string(orEmpty(flow.getCommunityId()))
        .lowCardinalityString(orEmpty(flow.getConfidence()))
        .lowCardinalityString(orEmpty(flow.getHostOwner()))
        .lowCardinalityString(orEmpty(flow.getHostTeam()));
  }

  /** {@link FlowText#of}, computed once per constant rather than once per row. */
  private static String text(Enum<?> value) {
    return ENUM_TEXTS.get(value.getDeclaringClass())[value.ordinal()];
  }

  private static final ClassValue<String[]> ENUM_TEXTS = new ClassValue<>() {
    @Override
    protected String[] computeValue(Class<?> type) {
      Object[] constants = type.getEnumConstants();
      String[] texts = new String[constants.length];
      for (int i = 0; i < constants.length; i++) {
        texts[i] = FlowText.of((Enum<?>) constants[i]);
      }
      return texts;
    }
  };

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
