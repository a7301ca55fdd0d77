package io.agentwatch.schema;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The flow's columns, declared once: for each, its name (the ClickHouse column and the JSON/CSV
 * field), its ClickHouse type, and how its value is taken from a {@link FlowRecord} (whose Avro
 * type, in {@code FlowRecord.avsc}, the accessor's type follows). The store's row encoder
 * ({@code FlowRows}), the sensor's text outputs ({@code FlowFields}) and the column test derive from
 * this list; nothing else spells the fields out.
 *
 * <p>{@link #ALL} is the order of the {@code flows} table after every migration (a migration can
 * only append columns, so new columns go at the end). {@link #TEXT_OUTPUTS} is the contract order
 * of the JSON lines and CSV outputs, older than this table: later versions may only append to it.
 *
 * <p>Text forms: a {@link Count} is a decimal number, a {@link Text} is written as it is (absent =
 * null in JSON, empty in CSV, '' in the store), an {@link Address} is an address literal (IPv6 in
 * the store), a {@link Time} is ISO-8601 UTC with microseconds (DateTime64(6) in the store), a
 * {@link Flag} is true/false (UInt8 0/1 in the store). Enums are text in {@link FlowText}'s form.
 *
 * <p>Pseudonymised hosts: a sensor with {@code hosts.pseudonymize} writes the host's pseudonym
 * ({@value #PSEUDONYM_PREFIX} and 16 hex digits) into {@code src_ip} (the released schema's
 * contract). The store cannot keep it in an IPv6 column: the row holds {@code src_ip = '::'} (the
 * unspecified address) and the pseudonym in {@code src_pseudonym}; for a real address
 * {@code src_pseudonym} is ''. Text outputs keep {@code src_ip} as the record has it.
 */
public final class FlowColumns {

  /** ClickHouse types of the flow columns, spelled as {@code system.columns} shows them. */
  public enum ClickHouseType {
    STRING("String"),
    LOW_CARDINALITY_STRING("LowCardinality(String)"),
    UINT8("UInt8"),
    UINT16("UInt16"),
    UINT64("UInt64"),
    IPV6("IPv6"),
    DATETIME64_MICROS("DateTime64(6, 'UTC')"),
    DATETIME("DateTime('UTC')"),
    FIXED_STRING_20("FixedString(20)");

    private final String sql;

    ClickHouseType(String sql) {
      this.sql = sql;
    }

    public String sql() {
      return sql;
    }
  }

  /** How a column's value comes from a record. */
  public sealed interface Value permits Count, Text, Address, Time, Flag, FilledByStore, Derived, CommunityIdHash,
      CommunityIdOther, CommunityIdFromTuple {}

  /** A count or port: UInt16/UInt64 in the store, a number in text. */
  public record Count(ToLongFunction<FlowRecord> of) implements Value {}

  /** Text, possibly null (absent): '' in the store. */
  public record Text(Function<FlowRecord, String> of) implements Value {}

  /** An address literal, or a host pseudonym ({@link #isPseudonym}), stored as '::'. */
  public record Address(Function<FlowRecord, String> of) implements Value {}

  /** A capture time, kept to the microsecond. */
  public record Time(Function<FlowRecord, Instant> of) implements Value {}

  /** A yes/no flag. */
  public record Flag(Predicate<FlowRecord> of) implements Value {}

  /** Not in the record: the store fills it (a column DEFAULT); never inserted, never in text. */
  public record FilledByStore() implements Value {}

  /**
   * Text the record carries that the store keeps in other columns and shows through an ALIAS of
   * this name: text outputs write it, reads of the store see it, inserts leave it out.
   */
  public record Derived(Function<FlowRecord, String> of) implements Value {}

  /**
   * The 20-byte SHA-1 of a Community ID in its canonical text ({@link #isCanonicalCommunityId}):
   * FixedString(20), 20 bytes a row where the text takes 30; all zero for any other text.
   */
  public record CommunityIdHash(Function<FlowRecord, String> of) implements Value {}

  /** A Community ID that is not canonical, as text ('' when the hash column holds it). */
  public record CommunityIdOther(Function<FlowRecord, String> of) implements Value {}

  /**
   * Whether the row's own addresses, ports and transport give its Community ID back
   * ({@link TupleCommunityId}): UInt8 1, and then neither the hash nor the text is stored.
   */
  public record CommunityIdFromTuple(Predicate<FlowRecord> of) implements Value {}

  public record Column(String name, ClickHouseType type, Value value) {

    /** Whether the store's inserts name this column (every column but those the store fills or derives). */
    public boolean inserted() {
      return !(value instanceof FilledByStore) && !(value instanceof Derived);
    }

    /** Whether this is a field of the record (what text outputs and reads of the store show). */
    public boolean ofTheRecord() {
      return !(value instanceof FilledByStore) && !(value instanceof CommunityIdHash) && !(value instanceof CommunityIdOther)
          && !(value instanceof CommunityIdFromTuple);
    }
  }

  /** The prefix of a host pseudonym (the sensor's Pseudonymizer writes it). */
  public static final String PSEUDONYM_PREFIX = "h-";

  private static final ClickHouseType LC = ClickHouseType.LOW_CARDINALITY_STRING;

  /** Every column of {@code flows}, in table order (001, 003, 005, 006, 012, 030, 031). */
  public static final List<Column> ALL = List.of(
      // 001_flows.sql
      column("sensor_id", LC, text(FlowRecord::getSensorId)),
      column("sequence", ClickHouseType.UINT64, count(FlowRecord::getSequence)),
      column("host", LC, text(FlowRecord::getHost)),
      column("src_ip", ClickHouseType.IPV6, new Address(FlowRecord::getSrcIp)),
      column("src_port", ClickHouseType.UINT16, count(FlowRecord::getSrcPort)),
      column("dst_ip", ClickHouseType.IPV6, new Address(FlowRecord::getDstIp)),
      column("dst_port", ClickHouseType.UINT16, count(FlowRecord::getDstPort)),
      column("transport", LC, text(r -> FlowText.of(r.getTransport()))),
      column("first_seen", ClickHouseType.DATETIME64_MICROS, new Time(FlowRecord::getFirstSeen)),
      column("last_seen", ClickHouseType.DATETIME64_MICROS, new Time(FlowRecord::getLastSeen)),
      column("packets_up", ClickHouseType.UINT64, count(FlowRecord::getPacketsUp)),
      column("packets_down", ClickHouseType.UINT64, count(FlowRecord::getPacketsDown)),
      column("bytes_up", ClickHouseType.UINT64, count(FlowRecord::getBytesUp)),
      column("bytes_down", ClickHouseType.UINT64, count(FlowRecord::getBytesDown)),
      column("sni", ClickHouseType.STRING, text(FlowRecord::getSni)),
      column("alpn", LC, text(FlowRecord::getAlpn)),
      column("ja4", LC, text(FlowRecord::getJa4)),
      column("dns_name", ClickHouseType.STRING, text(FlowRecord::getDnsName)),
      column("vendor", LC, text(FlowRecord::getVendor)),
      column("service", LC, text(FlowRecord::getService)),
      column("category", LC, text(FlowRecord::getCategory)),
      column("identified_by", LC, text(r -> FlowText.of(r.getIdentifiedBy()))),
      column("end_reason", LC, text(r -> FlowText.of(r.getEndReason()))),
      column("ingested_at", ClickHouseType.DATETIME, new FilledByStore()),
      // 003_flows_identification.sql
      column("ech", ClickHouseType.UINT8, new Flag(FlowRecord::getEch)),
      // 012_flows_compact.sql: the text as 20 bytes, any other text beside, the text an ALIAS of both
      column("community_id_sha1", ClickHouseType.FIXED_STRING_20, new CommunityIdHash(FlowColumns::storedCommunityId)),
      column("community_id", ClickHouseType.STRING, new Derived(FlowRecord::getCommunityId)),
      column("community_id_other", ClickHouseType.STRING, new CommunityIdOther(FlowRecord::getCommunityId)),
      column("confidence", LC, text(FlowRecord::getConfidence)),
      // 005_flows_host_owner_team.sql
      column("host_owner", LC, text(FlowRecord::getHostOwner)),
      column("host_team", LC, text(FlowRecord::getHostTeam)),
      // 006_flows_src_pseudonym.sql
      column("src_pseudonym", LC, text(r -> pseudonymOrNull(r.getSrcIp()))),
      // 030_flows_resource.sql
      column("resource", LC, text(FlowRecord::getResource)),
      // 031_flows_catalog_version.sql
      column("catalog_version", LC, text(FlowRecord::getCatalogVersion)),
      // 085_flows_community_id_from_tuple.sql: neither hash nor text when the row's 5-tuple gives it back
      column("community_id_from_tuple", ClickHouseType.UINT8, new CommunityIdFromTuple(TupleCommunityId::matches)));

  private static final Map<String, Column> BY_NAME = byName(ALL);

  /** The fields of the JSON lines and CSV outputs, in their contract order (append only). */
  public static final List<Column> TEXT_OUTPUTS = named(
      "src_ip", "src_port", "dst_ip", "dst_port", "transport", "packets_up", "packets_down", "bytes_up",
      "bytes_down", "first_seen", "last_seen", "sni", "vendor", "service", "identified_by", "end_reason",
      "alpn", "ja4", "dns_name", "category", "ech", "community_id", "confidence", "resource", "catalog_version");

  private FlowColumns() {}

  /** The prefix of a Community ID v1 text. */
  public static final String COMMUNITY_ID_PREFIX = "1:";

  /** Length of a canonical Community ID text: the prefix and base64 of 20 bytes (27 digits and one '='). */
  public static final int COMMUNITY_ID_LENGTH = 30;

  /**
   * Whether {@code text} is a Community ID v1 as its specification writes it, "1:" and the
   * standard base64 of a 20-byte SHA-1 that is not all zero (all zero is the store's "none"):
   * exactly the texts that the 20 bytes give back.
   */
  public static boolean isCanonicalCommunityId(String text) {
    if (text == null || text.length() != COMMUNITY_ID_LENGTH || !text.startsWith(COMMUNITY_ID_PREFIX)
        || text.charAt(COMMUNITY_ID_LENGTH - 1) != '=') {
      return false;
    }
    boolean zero = true;
    for (int i = COMMUNITY_ID_PREFIX.length(); i < COMMUNITY_ID_LENGTH - 1; i++) {
      int digit = base64Digit(text.charAt(i));
      if (digit < 0) {
        return false;
      }
      zero &= digit == 0;
    }
    // 27 digits carry 162 bits: the last digit's low two bits are padding, zero in the canonical text.
    return !zero && (base64Digit(text.charAt(COMMUNITY_ID_LENGTH - 2)) & 3) == 0;
  }

  /** The 20 bytes a canonical Community ID's base64 spells ({@link #isCanonicalCommunityId}), into {@code into}. */
  public static void communityIdHash(String canonical, byte[] into) {
    int bits = 0;
    int pending = 0;
    int written = 0;
    for (int i = COMMUNITY_ID_PREFIX.length(); written < CommunityId.HASH_BYTES; i++) {
      bits = (bits << 6) | base64Digit(canonical.charAt(i));
      pending += 6;
      if (pending >= 8) {
        pending -= 8;
        into[written++] = (byte) (bits >>> pending);
      }
    }
  }

  /**
   * The Community ID the hash column keeps: none (null) when the row's 5-tuple gives it back. The
   * text column needs no such check: it keeps only texts that are not canonical, which no 5-tuple gives.
   */
  private static String storedCommunityId(FlowRecord record) {
    return TupleCommunityId.matches(record) ? null : record.getCommunityId();
  }

  /** The value of a standard base64 digit, -1 for any other character. */
  public static int base64Digit(char c) {
    return c >= 'A' && c <= 'Z' ? c - 'A'
        : c >= 'a' && c <= 'z' ? c - 'a' + 26
        : c >= '0' && c <= '9' ? c - '0' + 52
        : c == '+' ? 62 : c == '/' ? 63 : -1;
  }

  /** The column called {@code name}. */
  public static Column named(String name) {
    Column column = BY_NAME.get(name);
    if (column == null) {
      throw new IllegalArgumentException("'" + name + "' is not a flow column (expected one of " + BY_NAME.keySet() + ")");
    }
    return column;
  }

  /** Whether {@code address} (a record's src_ip) is a host pseudonym rather than an address literal. */
  public static boolean isPseudonym(String address) {
    return address != null && address.startsWith(PSEUDONYM_PREFIX);
  }

  private static String pseudonymOrNull(String address) {
    return isPseudonym(address) ? address : null;
  }

  private static List<Column> named(String... names) {
    return java.util.Arrays.stream(names).map(FlowColumns::named).toList();
  }

  private static Map<String, Column> byName(List<Column> columns) {
    Map<String, Column> byName = new HashMap<>();
    for (Column column : columns) {
      if (byName.put(column.name(), column) != null) {
        throw new IllegalStateException("flow column '" + column.name() + "' is declared twice");
      }
    }
    return byName;
  }

  private static Column column(String name, ClickHouseType type, Value value) {
    boolean fits = value instanceof Count ? type == ClickHouseType.UINT16 || type == ClickHouseType.UINT64
        : value instanceof Text || value instanceof Derived || value instanceof CommunityIdOther
            ? type == ClickHouseType.STRING || type == LC
        : value instanceof CommunityIdHash ? type == ClickHouseType.FIXED_STRING_20
        : value instanceof CommunityIdFromTuple ? type == ClickHouseType.UINT8
        : value instanceof Address ? type == ClickHouseType.IPV6
        : value instanceof Time ? type == ClickHouseType.DATETIME64_MICROS
        : value instanceof Flag ? type == ClickHouseType.UINT8
        : value instanceof FilledByStore;
    if (!fits) {
      throw new IllegalStateException("flow column '" + name + "': a " + value.getClass().getSimpleName()
          + " value cannot be stored as " + type.sql());
    }
    return new Column(name, type, value);
  }

  private static Value count(ToLongFunction<FlowRecord> of) {
    return new Count(of);
  }

  private static Value text(Function<FlowRecord, String> of) {
    return new Text(of);
  }
}
