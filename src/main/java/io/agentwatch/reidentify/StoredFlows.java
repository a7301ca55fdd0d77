package io.agentwatch.reidentify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.capture.identify.CatalogHit;
import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.capture.identify.Identifier;
import io.agentwatch.schema.AddressLiterals;
import io.agentwatch.schema.FlowColumns;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.FlowText;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.FlowRows;
import io.agentwatch.store.RowBinaryWriter;
import io.agentwatch.store.StoreException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Re-identifies stored flows after a catalog change: each stored flow's evidence (SNI, whether it
 * came from QUIC, the ECH flag, the DNS name, the endpoint's address) goes through the sensor's
 * own decision ({@link Identifier#identify}) with the given catalog, and the rows whose vendor,
 * service, category, evidence, confidence or resource come out different are rewritten with the
 * new ones and the catalog's version in {@code catalog_version}.
 *
 * <p>How, in the store: vendor is in {@code flows}' sort key, which ClickHouse cannot update in
 * place, so the changed rows are copied with their new identification (every other column as it
 * was, {@code ingested_at} included, so retention is unchanged) and the originals deleted. The
 * copies pass through the rollups' materialized views like any insert; the rollup buckets
 * ({@code flow_totals_1m}, {@code _1h}, {@code _1d} of the hosts and times concerned; the whole
 * minutes, hours and days of {@code vendor_totals_1m}, {@code _1h}, {@code _1d}, which keep no host; {@code host_rollup_1h},
 * {@code _1d} of the hosts and times concerned) are then rebuilt
 * from {@code flows} with the views' own queries, so the totals per vendor move with the rows
 * instead of being counted twice.
 *
 * <p>What it cannot change: rows identified by an HTTP Host (the store keeps no Host), the
 * job's per-window table {@code host_vendor_service_1m} and the alerts (computed when the records
 * arrived), {@code host_vendor_contact} and {@code host_vendor_first_contact} (a contact with the
 * old vendor stays), and flows that a sensor with export scope {@code ai} never sent because no
 * catalog entry matched them then.
 */
public final class StoredFlows {

  /** The identification columns, as the store names them; the ones rewritten. */
  static final List<String> IDENTIFICATION = List.of("vendor", "service", "category", "identified_by", "confidence", "resource");
  /** The evidence a stored row keeps, in the store's terms (quic: a JA4 of QUIC starts with q). */
  private static final String EVIDENCE = "sni, dns_name, ech, startsWith(ja4, 'q'), dst_ip";
  private static final String CHANGES = "_reidentify_changes";
  private static final String WINDOWS = "_reidentify_windows";
  private static final List<String> ROLLUPS =
      List.of("flow_totals_1m", "flow_totals_1h", "flow_totals_1d", "vendor_totals_1m", "vendor_totals_1h", "vendor_totals_1d",
          "host_rollup_1h", "host_rollup_1d");
  private static final List<String> BUCKETS = List.of("toStartOfMinute", "toStartOfHour", "toStartOfDay", "toStartOfMinute",
      "toStartOfHour", "toStartOfDay", "toStartOfHour", "toStartOfDay");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  /** One kind of stored flow whose identification changes: its evidence, what it was, what it becomes, how many rows. */
  public record Change(String sni, String dnsName, boolean ech, boolean quic, String dstIp, List<String> before,
      List<String> after, long flows) {

    /** "api.example.com (dns example.net): none -> acme/api by sni, 12 flows". */
    @Override
    public String toString() {
      String evidence = !sni.isEmpty() ? sni + (dnsName.isEmpty() ? "" : " (dns " + dnsName + ")")
          : !dnsName.isEmpty() ? "dns " + dnsName : dstIp;
      return evidence + ": " + describe(before) + " -> " + describe(after) + ", " + flows + (flows == 1 ? " flow" : " flows");
    }

    private static String describe(List<String> identification) {
      if (identification.get(0).isEmpty()) {
        return "none";
      }
      String resource = identification.get(5).isEmpty() ? "" : " [" + identification.get(5) + "]";
      return identification.get(0) + "/" + identification.get(1) + resource + " by " + identification.get(3);
    }
  }

  private final ClickHouseStore store;
  private final EndpointCatalog catalog;

  public StoredFlows(ClickHouseStore store, EndpointCatalog catalog) {
    this.store = store;
    this.catalog = catalog;
  }

  /** The rows last seen at or after {@code since} whose identification the catalog changes, grouped by evidence. */
  public List<Change> changes(Instant since) throws StoreException {
    String rows = store.query("SELECT sni, dns_name, ech, startsWith(ja4, 'q') AS quic, toString(dst_ip) AS dst, "
        + String.join(", ", IDENTIFICATION) + ", count() AS flows FROM " + FlowRows.TABLE + " WHERE " + range(since)
        + " GROUP BY sni, dns_name, ech, quic, dst, " + String.join(", ", IDENTIFICATION) + " FORMAT JSONEachRow");
    List<Change> changes = new ArrayList<>();
    CatalogHit hit = new CatalogHit();
    for (String line : rows.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode row = parse(line);
      List<String> before = IDENTIFICATION.stream().map(column -> row.get(column).asText()).toList();
      String sni = row.get("sni").asText();
      String dnsName = row.get("dns_name").asText();
      boolean ech = row.get("ech").asInt() != 0;
      boolean quic = row.get("quic").asInt() != 0;
      String dst = row.get("dst").asText();
      List<String> after = identify(hit, sni, dnsName, ech, quic, dst);
      if (!after.equals(before)) {
        changes.add(new Change(sni, dnsName, ech, quic, dst, before, after, row.get("flows").asLong()));
      }
    }
    return changes;
  }

  /** What the sensor would name this evidence with the catalog, as the store spells it ('' for absent). */
  private List<String> identify(CatalogHit hit, String sni, String dnsName, boolean ech, boolean quic, String dst) {
    InetAddress address = AddressLiterals.parse(dst);
    int version = address instanceof Inet4Address ? 4 : 6;
    byte[] bytes = address.getAddress();
    long hi = 0;
    long lo = 0;
    if (version == 4) {
      lo = new BigInteger(1, bytes).longValue();
    } else {
      hi = new BigInteger(1, java.util.Arrays.copyOfRange(bytes, 0, 8)).longValue();
      lo = new BigInteger(1, java.util.Arrays.copyOfRange(bytes, 8, 16)).longValue();
    }
    FlowRecord.Builder record = FlowRecord.newBuilder();
    Identifier.identify(catalog, hit, emptyToNull(sni), quic, ech, null, emptyToNull(dnsName), version, hi, lo, record);
    return List.of(text(record.getVendor()), text(record.getService()), text(record.getCategory()),
        FlowText.of(record.getIdentifiedBy()), text(record.getConfidence()), text(record.getResource()));
  }

  /**
   * Rewrites the rows of {@code changes} (as {@link #changes} found them for the same {@code since})
   * and rebuilds the rollup buckets they are counted in; returns how many rows were rewritten.
   */
  public long apply(Instant since, List<Change> changes) throws StoreException {
    if (changes.isEmpty()) {
      return 0;
    }
    dropWorkTables();
    try {
      store.execute("CREATE TABLE " + CHANGES + " (sni String, dns_name String, ech UInt8, quic UInt8, dst_ip IPv6, "
          + columns("old_", " String") + ", " + columns("new_", " String") + ") ENGINE = Memory");
      store.execute("CREATE TABLE " + WINDOWS + " (host String, last_seen DateTime64(6, 'UTC')) ENGINE = Memory");
      RowBinaryWriter rows = new RowBinaryWriter();
      for (Change change : changes) {
        rows.string(change.sni()).string(change.dnsName()).uint8(change.ech() ? 1 : 0).uint8(change.quic() ? 1 : 0)
            .ipv6(change.dstIp());
        change.before().forEach(rows::string);
        change.after().forEach(rows::string);
      }
      List<String> changeColumns = new ArrayList<>(List.of("sni", "dns_name", "ech", "quic", "dst_ip"));
      IDENTIFICATION.forEach(column -> changeColumns.add("old_" + column));
      IDENTIFICATION.forEach(column -> changeColumns.add("new_" + column));
      store.insertRowBinary(CHANGES, changeColumns, rows.toByteArray());

      String changed = range(since) + " AND (" + EVIDENCE + ", " + String.join(", ", IDENTIFICATION) + ") IN (SELECT sni, dns_name, ech, quic, dst_ip, "
          + columns("old_", "") + " FROM " + CHANGES + ")";
      long rewritten = Long.parseLong(store.query("SELECT count() FROM " + FlowRows.TABLE + " WHERE " + changed).trim());
      store.execute("INSERT INTO " + WINDOWS + " SELECT DISTINCT host, last_seen FROM " + FlowRows.TABLE + " WHERE " + changed);
      store.execute(copyWithNewIdentification(since));
      store.execute("DELETE FROM " + FlowRows.TABLE + " WHERE " + changed);
      for (int i = 0; i < ROLLUPS.size(); i++) {
        rebuild(ROLLUPS.get(i), BUCKETS.get(i));
      }
      return rewritten;
    } finally {
      dropWorkTables();
    }
  }

  /** INSERT … SELECT of the changed rows: every column as it was, but the identification and the catalog version. */
  private String copyWithNewIdentification(Instant since) {
    List<String> names = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (FlowColumns.Column column : FlowColumns.ALL) {
      if (column.value() instanceof FlowColumns.Derived) {
        continue; // computed by the store from the columns copied (community_id from its hash)
      }
      names.add(column.name());
      values.add(IDENTIFICATION.contains(column.name()) ? "c.new_" + column.name()
          : column.name().equals("catalog_version") ? quote(catalog.version())
          : "f." + column.name());
    }
    StringBuilder on = new StringBuilder("f.sni = c.sni AND f.dns_name = c.dns_name AND f.ech = c.ech"
        + " AND startsWith(f.ja4, 'q') = c.quic AND f.dst_ip = c.dst_ip");
    IDENTIFICATION.forEach(column -> on.append(" AND f.").append(column).append(" = c.old_").append(column));
    // No deduplication: a copy may equal a block inserted before (the same rows re-identified twice).
    return "INSERT INTO " + FlowRows.TABLE + " (" + String.join(", ", names) + ") SELECT " + String.join(", ", values)
        + " FROM " + FlowRows.TABLE + " AS f INNER JOIN " + CHANGES + " AS c ON " + on + " WHERE " + range("f.", since)
        + " SETTINGS insert_deduplicate = 0";
  }

  /**
   * Deletes the rollup's buckets of the hosts and times concerned and fills them again from flows
   * with the rollup's own view query (system.tables keeps it), so the view stays the one
   * definition of what a bucket holds.
   */
  private void rebuild(String rollup, String bucket) throws StoreException {
    String view = store.query("SELECT as_select FROM system.tables WHERE database = currentDatabase() AND name = "
        + quote(rollup + "_mv") + " FORMAT TSVRaw").trim();
    if (view.isEmpty()) {
      throw new StoreException("the rollup view " + rollup + "_mv is missing: run `agentwatch migrate` first", false);
    }
    List<String> names = List.of(store.query("SELECT name FROM system.columns WHERE database = currentDatabase() AND table = "
        + quote(rollup) + " ORDER BY position FORMAT TSVRaw").strip().split("\n"));
    String columns = String.join(", ", names);
    String buckets = names.contains("host")
        ? "(host, window_start) IN (SELECT host, " + bucket + "(toDateTime(last_seen, 'UTC')) FROM " + WINDOWS + ")"
        : "window_start IN (SELECT " + bucket + "(toDateTime(last_seen, 'UTC')) FROM " + WINDOWS + ")";
    // A table with a projection refuses a lightweight DELETE (065): a mutation rewrites the
    // projection with the part, waited for so the refill below comes after it.
    boolean projected = !store.query("SELECT name FROM system.tables WHERE database = currentDatabase() AND name = "
        + quote(rollup) + " AND position(create_table_query, ' PROJECTION ') > 0 FORMAT TSVRaw").isBlank();
    store.execute(projected
        ? "ALTER TABLE " + rollup + " DELETE WHERE " + buckets + " SETTINGS mutations_sync = 2"
        : "DELETE FROM " + rollup + " WHERE " + buckets);
    store.execute("INSERT INTO " + rollup + " (" + columns + ") SELECT " + columns + " FROM (" + view + ") WHERE " + buckets
        + " SETTINGS insert_deduplicate = 0");
  }

  private void dropWorkTables() throws StoreException {
    store.execute("DROP TABLE IF EXISTS " + CHANGES);
    store.execute("DROP TABLE IF EXISTS " + WINDOWS);
  }

  private static String range(Instant since) {
    return range("", since);
  }

  /** Rows last seen from {@code since} on, but those identified by an HTTP Host (the store keeps no Host to re-read). */
  private static String range(String alias, Instant since) {
    return alias + "last_seen >= toDateTime64(" + quote(SQL_TIME.format(since.atOffset(ZoneOffset.UTC)))
        + ", 6, 'UTC') AND " + alias + "identified_by != 'http-host'";
  }

  private static String columns(String prefix, String type) {
    return String.join(", ", IDENTIFICATION.stream().map(column -> prefix + column + type).toList());
  }

  private static JsonNode parse(String line) throws StoreException {
    try {
      return JSON.readTree(line);
    } catch (java.io.IOException e) {
      throw new StoreException("unreadable row from the store: " + line, false, e);
    }
  }

  private static String quote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static String emptyToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  private static String text(String value) {
    return Objects.requireNonNullElse(value, "");
  }
}
