package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamedQueryTest {

  private static final Instant NOW = Instant.parse("2026-12-06T15:00:00Z");

  @TempDir Path dataDir;

  @Test
  void everyBundledQueryParsesAndRunsWithItsDefaults() throws Exception {
    assertTrue(NamedQueries.names().containsAll(List.of("alerts", "host_totals")), NamedQueries.names().toString());
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      for (String name : NamedQueries.names()) {
        NamedQuery query = NamedQueries.get(name);
        assertFalse(query.description().isBlank(), name + " says what it answers");
        Map<String, String> required = new java.util.HashMap<>();
        query.parameters().stream().filter(p -> p.defaultValue() == null).forEach(p -> required.put(p.name(), "x"));
        store.query(query.render(required, NOW)); // throws when the SQL does not run
      }
    }
  }

  @Test
  void parametersSelectTheRowsAndTextValuesNeverChangeTheQuery() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      twoWindowsOfBuild7(store);
      NamedQuery totals = NamedQueries.get("host_totals");

      assertEquals("build-7\tanthropic\t1000\t100\t15\t2\n",
          store.query(totals.render(Map.of("until", SampleRecords.DAY + "T06:00:00Z"), NOW)));
      assertEquals("build-7\topenai\t50\t5\t15\t2\n",
          store.query(totals.render(Map.of("since", SampleRecords.DAY + "T06:00:00Z"), NOW)));

      store.execute("INSERT INTO alerts (alert_id, detector, host, vendor, service, window_start, window_end,"
          + " observed, baseline, score, top_flows, reason) SELECT 'a1', 'upload-spike', 'build-7', 'openai', 'api',"
          + " '2026-12-06 14:00:00', '2026-12-06 14:01:00', 9e7, 5e4, 12.5, ['1:abc'], 'big upload'");
      NamedQuery alerts = NamedQueries.get("alerts");
      assertEquals("a1\n", store.query("SELECT alert_id FROM (" + alerts.render(Map.of("host", "build-7"), NOW) + ")"));
      assertEquals("", store.query(alerts.render(Map.of("host", "build-7' OR '1'='1"), NOW)),
          "a quote in a value is part of the text");
      assertEquals("", store.query(alerts.render(Map.of("since", "30m"), NOW)), "30 minutes before 15:00 is after the alert");
      assertEquals("a1\n", store.query("SELECT alert_id FROM (" + alerts.render(Map.of("since", "2h"), NOW) + ")"));
    }
  }

  @Test
  void askingForSomeColumnsGivesThoseColumnsOfTheSameRows() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      twoWindowsOfBuild7(store);
      NamedQuery totals = NamedQueries.get("host_totals");

      assertEquals("1000\tanthropic\n50\topenai\n",
          store.query(totals.render(Map.of(), NOW, List.of("bytes_up", "vendor")) + " FORMAT TSV"));
      assertTrue(assertThrows(StoreException.class,
          () -> store.query(totals.render(Map.of(), NOW, List.of("vendor", "no_such_column")))).clickHouseCode() == 47,
          "a column the result lacks: UNKNOWN_IDENTIFIER");
    }
  }

  @Test
  void columnNamesAreIdentifiersNamedOnce() {
    NamedQuery totals = NamedQueries.get("host_totals");
    assertEquals("query host_totals: 'vendor)--' is not a column name ([a-z_][a-z0-9_]*)",
        assertThrows(IllegalArgumentException.class, () -> totals.render(Map.of(), NOW, List.of("vendor)--"))).getMessage());
    assertEquals("query host_totals: column vendor is named twice",
        assertThrows(IllegalArgumentException.class, () -> totals.render(Map.of(), NOW, List.of("vendor", "vendor"))).getMessage());
    assertEquals("query host_totals: name at least one column, or leave columns out for all",
        assertThrows(IllegalArgumentException.class, () -> totals.render(Map.of(), NOW, List.of())).getMessage());
    assertEquals("query q: 'columns' is no parameter name: callers ask for the result's columns under it",
        assertThrows(IllegalArgumentException.class,
            () -> NamedQuery.parse("q", "-- d\n-- @param columns String '' c\nSELECT {columns:String}")).getMessage());
  }

  /** A migrated store with build-7's minutes to anthropic at 05:06 (1000 bytes up) and openai at 07:00 (50). */
  private static void twoWindowsOfBuild7(EmbeddedChdbStore store) throws Exception {
    Migrations.bundled(store).apply();
    RowBinaryWriter out = new RowBinaryWriter();
    HostVendorWindowRows.encode(out, SampleRecords.window("build-7", "anthropic", "05:06:00", 1000, 700, 2));
    HostVendorWindowRows.encode(out, SampleRecords.window("build-7", "openai", "07:00:00", 50, 50, 2));
    store.insertRowBinary(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, out.toByteArray());
  }

  @Test
  void badValuesAndUnknownParametersAreRefusedNamingTheParameter() {
    NamedQuery alerts = NamedQueries.get("alerts");
    assertEquals("query alerts: parameter since is 'yesterday', expected a time: an ISO-8601 instant (2026-12-06T14:00:00Z),"
            + " a date (2026-12-06), now, or a duration ago (90s, 15m, 24h, 7d)",
        assertThrows(IllegalArgumentException.class, () -> alerts.render(Map.of("since", "yesterday"), NOW)).getMessage());
    assertEquals("query alerts: parameter limit is '-1', expected a whole number of at least 0",
        assertThrows(IllegalArgumentException.class, () -> alerts.render(Map.of("limit", "-1"), NOW)).getMessage());
    assertEquals("query alerts has no parameter 'hosts'; its parameters: since, until, host, vendor, team, detector, limit",
        assertThrows(IllegalArgumentException.class, () -> alerts.render(Map.of("hosts", "a"), NOW)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> NamedQueries.get("drop_everything")).getMessage()
        .startsWith("no named query 'drop_everything'; the queries are: alert, alert_flows, "));
  }

  @Test
  void aQueryFileMustDeclareExactlyTheParametersItUses() {
    assertEquals("query q: {host:String} has no '-- @param host' line",
        assertThrows(IllegalArgumentException.class, () -> NamedQuery.parse("q", "-- d\nSELECT {host:String}")).getMessage());
    assertEquals("query q: {n:String} but the parameter is declared UInt64",
        assertThrows(IllegalArgumentException.class,
            () -> NamedQuery.parse("q", "-- d\n-- @param n UInt64 1 a number\nSELECT {n:String}")).getMessage());
    assertEquals("query q: parameter n is declared but never used",
        assertThrows(IllegalArgumentException.class,
            () -> NamedQuery.parse("q", "-- d\n-- @param n UInt64 1 a number\nSELECT 1")).getMessage());
    assertEquals("query q: parameter n is 'many', expected a whole number of at least 0",
        assertThrows(IllegalArgumentException.class,
            () -> NamedQuery.parse("q", "-- d\n-- @param n UInt64 many a number\nSELECT {n:UInt64}")).getMessage());
  }

  @Test
  void timesAreInstantsDatesNowOrDurationsAgo() {
    assertEquals(NOW, NamedQuery.time("now", NOW));
    assertEquals(Instant.parse("2026-12-05T15:00:00Z"), NamedQuery.time("24h", NOW));
    assertEquals(Instant.parse("2026-11-29T15:00:00Z"), NamedQuery.time("7d", NOW));
    assertEquals(Instant.parse("2026-12-06T14:58:30Z"), NamedQuery.time("90s", NOW));
    assertEquals(Instant.parse("2026-12-01T00:00:00Z"), NamedQuery.time("2026-12-01", NOW));
    assertEquals(Instant.parse("2026-12-01T08:30:00Z"), NamedQuery.time("2026-12-01T08:30:00Z", NOW));
  }
}
