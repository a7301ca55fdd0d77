package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each tier's TTL is what the retention settings say, changed at start only where it differs. */
class RetentionTest {

  @TempDir Path dataDir;

  @Test
  void theConfiguredRetentionOfEachTierBecomesItsTablesTtlOnceAndOnlyWhereItDiffers() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      List<String> changed = Retention.DEFAULTS.apply(store);
      // 001 keeps flows 90 days and 004 the minutes a year; the rollups of 010 start at the defaults.
      assertEquals(List.of("flows", "late_flows", "host_vendor_service_1m", "host_traffic_1m"), changed);
      assertTtl(store, "flows", "ingested_at + toIntervalDay(30)");
      assertTtl(store, "host_vendor_service_1m", "ingested_at + toIntervalDay(90)");
      assertTtl(store, "flow_totals_1h", "ingested_at + toIntervalDay(365)");
      assertTtl(store, "flow_totals_1d", "ingested_at + toIntervalDay(1095)");
      assertTtl(store, "vendor_totals_1m", "ingested_at + toIntervalDay(90)");
      assertTtl(store, "vendor_totals_1h", "ingested_at + toIntervalDay(365)");
      assertTtl(store, "vendor_totals_1d", "ingested_at + toIntervalDay(1095)");
      assertTtl(store, "host_rollup_1h", "ingested_at + toIntervalDay(365)");
      assertTtl(store, "host_rollup_1d", "ingested_at + toIntervalDay(1095)");
      assertEquals(List.of(), Retention.DEFAULTS.apply(store), "a second start changes nothing");

      Map<String, Object> given = new HashMap<>(Map.of(Retention.RAW, "7d", Retention.DAYS, "3650d"));
      Settings settings = Settings.load(StoreConfig.SETTINGS, null, Map.of(), given);
      Retention configured = Retention.from(settings);
      settings.throwIfProblems();
      assertEquals(List.of("flows", "late_flows", "flow_totals_1d", "vendor_totals_1d", "host_rollup_1d", "host_vendor_contact",
          "host_vendor_first_contact"),
          configured.apply(store));
      assertTtl(store, "flows", "ingested_at + toIntervalDay(7)");
      assertTtl(store, "host_vendor_contact", "ingested_at + toIntervalDay(3650)");
      assertTtl(store, "vendor_totals_1d", "ingested_at + toIntervalDay(3650)");
      assertTtl(store, "flow_totals_1m", "ingested_at + toIntervalDay(90)");
    }
  }

  @Test
  void aRetentionBelowASecondIsRefusedNamingItsKey() {
    Retention bad = new Retention(Duration.ofMillis(500), Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::validate);
    assertTrue(e.getMessage().startsWith(Retention.RAW + ": 500ms"), e.getMessage());
  }

  private static void assertTtl(ClickHouseStore store, String table, String ttl) throws StoreException {
    String engine = store.query("SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = '" + table + "' FORMAT TSVRaw");
    assertTrue(engine.contains("TTL " + ttl + " "), table + ": " + engine);
  }
}
