package io.agentwatch.store;

import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import io.agentwatch.config.ValueParsers;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long each tier of the store keeps its rows, counted from arrival ({@code ingested_at}): raw
 * records, per-minute, per-hour and per-day tables. The migrations create the tables with the
 * defaults; {@link #apply} changes a table's TTL ({@code ALTER TABLE ... MODIFY TTL}) where it
 * differs from the configured one, so a setting changed between two starts takes effect at the
 * second. Rows older than a shortened TTL are dropped by that ALTER (ClickHouse's
 * {@code materialize_ttl_after_modify}).
 *
 * Each setting's tables are those of {@link #TABLES_BY_KEY} under its key.
 *
 * @param raw {@value #RAW}: the flow records
 * @param minutes {@value #MINUTES}: the per-minute tables
 * @param hours {@value #HOURS}: the per-hour tables
 * @param days {@value #DAYS}: the per-day tables and the first and last contacts
 */
public record Retention(Duration raw, Duration minutes, Duration hours, Duration days) implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String RAW = "store.retention.raw";
  public static final String MINUTES = "store.retention.1m";
  public static final String HOURS = "store.retention.1h";
  public static final String DAYS = "store.retention.1d";

  public static final Retention DEFAULTS =
      new Retention(Duration.ofDays(30), Duration.ofDays(90), Duration.ofDays(365), Duration.ofDays(3 * 365));

  /** The tables of each tier. A table the store does not have (yet) is left alone. */
  private static final Map<String, List<String>> TABLES_BY_KEY = Map.of(
      RAW, List.of("flows", "late_flows"),
      MINUTES, List.of("host_vendor_service_1m", "flow_totals_1m", "vendor_totals_1m", "host_traffic_1m"),
      HOURS, List.of("flow_totals_1h", "vendor_totals_1h", "host_rollup_1h"),
      DAYS, List.of("flow_totals_1d", "vendor_totals_1d", "host_rollup_1d", "host_vendor_contact",
          "host_vendor_first_contact"));

  public static final List<Setting> SETTINGS = List.of(
      Setting.value(RAW, "DURATION", ValueParsers.text(DEFAULTS.raw), "how long flow records are kept" + tables(RAW) + ", from arrival"),
      Setting.value(MINUTES, "DURATION", ValueParsers.text(DEFAULTS.minutes), "how long per-minute rows are kept" + tables(MINUTES)),
      Setting.value(HOURS, "DURATION", ValueParsers.text(DEFAULTS.hours), "how long per-hour rows are kept" + tables(HOURS)),
      Setting.value(DAYS, "DURATION", ValueParsers.text(DEFAULTS.days), "how long per-day rows are kept" + tables(DAYS)));

  private static String tables(String key) {
    return " (" + String.join(", ", TABLES_BY_KEY.get(key)) + ")";
  }

  /** From loaded settings (which must know {@link #SETTINGS}); a bad value is recorded as a problem of {@code settings}. */
  public static Retention from(Settings settings) {
    return new Retention(settings.parse(RAW, ValueParsers::duration), settings.parse(MINUTES, ValueParsers::duration),
        settings.parse(HOURS, ValueParsers::duration), settings.parse(DAYS, ValueParsers::duration));
  }

  /** Each duration at least a second and in whole seconds (a TTL's unit); the message names the key. */
  public Retention validate() {
    for (Map.Entry<String, Duration> tier : byKey().entrySet()) {
      Duration duration = tier.getValue();
      if (duration == null || duration.getSeconds() < 1 || duration.getNano() != 0) {
        throw new IllegalArgumentException(tier.getKey() + ": " + (duration == null ? "missing" : ValueParsers.text(duration))
            + " must be a whole number of seconds, at least 1s (e.g. 30d)");
      }
    }
    return this;
  }

  /**
   * Sets each existing table's TTL to its tier's duration where it differs, and returns the
   * tables changed (empty when all agreed). On a cluster ({@code store.cluster}) the TTL is the
   * local Replicated tables', read on the node the store reaches and changed ON CLUSTER (a
   * Distributed table has none).
   */
  public List<String> apply(ClickHouseStore store) throws StoreException {
    validate();
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, Duration> tier : byKey().entrySet()) {
      String ttl = ttl(tier.getValue());
      for (String table : TABLES_BY_KEY.get(tier.getKey())) {
        String rowsIn = store.clusterSchema() == null ? table : table + ClusterSchema.LOCAL_SUFFIX;
        String current = store.query("SELECT engine_full FROM system.tables WHERE database = currentDatabase()"
            + " AND name = '" + rowsIn + "' FORMAT TSVRaw");
        if (current.isBlank() || current.contains("TTL " + ttl)) {
          continue;
        }
        for (String alter : ClusterSchema.statementFor(store, "ALTER TABLE " + table + " MODIFY TTL " + ttl)) {
          store.execute(alter);
        }
        changed.add(table);
      }
    }
    return changed;
  }

  /** The TTL expression as ClickHouse shows it in system.tables (INTERVAL n SECOND is normalised to this form). */
  static String ttl(Duration duration) {
    long seconds = duration.getSeconds();
    return seconds % 86_400 == 0 ? "ingested_at + toIntervalDay(" + seconds / 86_400 + ")"
        : "ingested_at + toIntervalSecond(" + seconds + ")";
  }

  private Map<String, Duration> byKey() {
    Map<String, Duration> byKey = new LinkedHashMap<>();
    byKey.put(RAW, raw);
    byKey.put(MINUTES, minutes);
    byKey.put(HOURS, hours);
    byKey.put(DAYS, days);
    return byKey;
  }
}
