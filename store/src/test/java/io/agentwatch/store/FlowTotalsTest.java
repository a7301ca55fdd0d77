package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.schema.FlowRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollups of migration 010 hold what flows holds: after batches inserted through the sink's
 * path (RowBinary with a deduplication token), one of them sent twice as a restored job would,
 * each tier's figures per host × vendor × service equal those of the day's raw flows, and the
 * re-sent batch counts once everywhere. The per-host panels' tiers (061) likewise, filled by
 * their migration from a store's earlier rows and by their views since.
 */
class FlowTotalsTest {

  private static final String PER_KEY = "SELECT host, host_team, host_owner, vendor, service, sum(bytes_up), sum(bytes_down),"
      + " sum(packets_up), sum(packets_down), sum(flows), max(max_upload), min(first_seen), max(last_seen) FROM %s"
      + " WHERE window_start >= toDateTime('%s 00:00:00', 'UTC') AND window_start < toDateTime('%s 00:00:00', 'UTC')"
      + " GROUP BY ALL ORDER BY ALL FORMAT TabSeparated";

  private static final String PER_VENDOR = "SELECT vendor, service, category, host_team, sum(bytes_up), sum(bytes_down),"
      + " sum(packets_up), sum(packets_down), sum(flows), max(max_upload), min(first_seen), max(last_seen),"
      + " uniqExactMerge(hosts) FROM %s"
      + " WHERE window_start >= toDateTime('%s 00:00:00', 'UTC') AND window_start < toDateTime('%s 00:00:00', 'UTC')"
      + " GROUP BY ALL ORDER BY ALL FORMAT TabSeparated";

  @TempDir Path dataDir;

  @Test
  void aDaysRollupEqualsTheSumOfThatDaysRawFlowsAndAResentBatchCountsOnce() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      List<byte[]> batches = batches();
      for (int i = 0; i < batches.size(); i++) {
        store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, batches.get(i), "flows-run1-" + i);
      }
      // A job restored from its checkpoint sends the last batch again, with the same token.
      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, batches.get(batches.size() - 1), "flows-run1-" + (batches.size() - 1));
      assertEquals("600\n", store.query("SELECT count() FROM flows"), "the re-sent batch is dropped from flows");

      String day = SampleRecords.DAY.toString();
      String next = SampleRecords.NEXT_DAY.toString();
      String raw = store.query("SELECT host, host_team, host_owner, vendor, service, sum(bytes_up), sum(bytes_down),"
          + " sum(packets_up), sum(packets_down), count(), max(bytes_up), min(first_seen), max(last_seen) FROM flows"
          + " WHERE last_seen >= toDateTime('" + day + " 00:00:00', 'UTC') AND last_seen < toDateTime('" + next + " 00:00:00', 'UTC')"
          + " GROUP BY ALL ORDER BY ALL FORMAT TabSeparated");
      assertEquals(12, raw.lines().count(), "3 hosts × 2 vendors × 2 services on the day\n" + raw);
      for (String tier : List.of("flow_totals_1d", "flow_totals_1h", "flow_totals_1m", "flow_totals_raw")) {
        assertEquals(raw, store.query(String.format(PER_KEY, tier, day, next)), tier + " against the day's flows");
      }
      // The fleet panels' tiers (060): per vendor × service × team, the hosts as a uniqExact state.
      String perVendor = store.query("SELECT vendor, service, category, host_team, sum(bytes_up), sum(bytes_down),"
          + " sum(packets_up), sum(packets_down), count(), max(bytes_up), min(first_seen), max(last_seen), uniqExact(host)"
          + " FROM flows WHERE last_seen >= toDateTime('" + day + " 00:00:00', 'UTC') AND last_seen < toDateTime('" + next
          + " 00:00:00', 'UTC') GROUP BY ALL ORDER BY ALL FORMAT TabSeparated");
      assertEquals(8, perVendor.lines().count(), "2 vendors × 2 services × 2 teams on the day\n" + perVendor);
      assertTrue(perVendor.contains("\t2\n"), "a team of two hosts\n" + perVendor);
      for (String tier : List.of("vendor_totals_1d", "vendor_totals_1h", "vendor_totals_1m", "vendor_totals_raw")) {
        assertEquals(perVendor, store.query(String.format(PER_VENDOR, tier, day, next)), tier + " against the day's flows");
      }
      // The record that ends just after midnight belongs to the next day in every tier.
      assertFalse(store.query(String.format(PER_KEY, "flow_totals_1d", next, SampleRecords.NEXT_DAY.plusDays(1))).isEmpty());

      assertEquals(store.query("SELECT host, vendor, min(first_seen), max(last_seen) FROM flows WHERE vendor != ''"
              + " GROUP BY ALL ORDER BY ALL FORMAT TabSeparated"),
          store.query("SELECT host, vendor, min(first_seen), max(last_seen) FROM host_vendor_contact"
              + " GROUP BY ALL ORDER BY ALL FORMAT TabSeparated"),
          "first and last contact per host × vendor");
    }
  }

  private static final String PER_HOST = "SELECT host, host_team, sum(bytes_up), sum(bytes_down), sum(flows), sumMap(service_up) FROM %s"
      + " WHERE window_start >= toDateTime('%s 00:00:00', 'UTC') AND window_start < toDateTime('%s 00:00:00', 'UTC')"
      + " GROUP BY ALL ORDER BY ALL FORMAT TabSeparated";

  /**
   * The per-host panels' tiers (061) hold each host's flows to identified vendors, with its bytes up
   * per vendor/service, whether the migration filled them from a store's earlier flow_totals or
   * their views from flows inserted since (a re-sent batch counting once), and after their parts
   * merge (the map of bytes per vendor/service summed per key, not one row's kept).
   */
  @Test
  void theHostRollupHoldsEachHostsFlowsFilledByItsMigrationAndByItsViews() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      List<Migration> all = Migrations.load(Migrations.class.getClassLoader(), Migrations.RESOURCE_FOLDER);
      // A store before 061, which fills from flow_totals.
      new Migrations(store, BundledMigrations.without(61)).apply();
      List<byte[]> batches = batches();
      for (int i = 0; i < 3; i++) {
        store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, batches.get(i), "flows-" + i);
      }
      new Migrations(store, all).apply();
      for (int i = 3; i < batches.size(); i++) {
        store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, batches.get(i), "flows-" + i);
      }
      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, batches.get(batches.size() - 1), "flows-" + (batches.size() - 1));
      // Merged as the engine merges parts in time: rows of one host and bucket become one.
      store.query("OPTIMIZE TABLE host_rollup_1h FINAL");
      store.query("OPTIMIZE TABLE host_rollup_1d FINAL");
      String day = SampleRecords.DAY.toString();
      String next = SampleRecords.NEXT_DAY.toString();
      assertEquals("3\n", store.query("SELECT count() FROM host_rollup_1d WHERE window_start = toDateTime('" + day + " 00:00:00', 'UTC')"),
          "a row per host and day after merges");
      String perHost = store.query("SELECT host, host_team, sum(bytes_up), sum(bytes_down), count(),"
          + " sumMap(map(vendor || '/' || service, bytes_up)) FROM flows WHERE vendor != ''"
          + " AND last_seen >= toDateTime('" + day + " 00:00:00', 'UTC') AND last_seen < toDateTime('" + next + " 00:00:00', 'UTC')"
          + " GROUP BY ALL ORDER BY ALL FORMAT TabSeparated");
      assertEquals(3, perHost.lines().count(), "3 hosts on the day\n" + perHost);
      assertTrue(perHost.contains("'openai/openai-chat':"), perHost);
      for (String tier : List.of("host_rollup_1d", "host_rollup_1h", "host_rollup_1m", "host_rollup_raw")) {
        assertEquals(perHost, store.query(String.format(PER_HOST, tier, day, next)), tier + " against the day's flows");
      }
    }
  }

  /** 6 batches of 100 records: 3 hosts (2 teams) × 2 vendors × 2 services, spread over the day. */
  private static List<byte[]> batches() {
    List<byte[]> batches = new ArrayList<>();
    RowBinaryWriter out = new RowBinaryWriter();
    long sequence = 0;
    for (int batch = 0; batch < 6; batch++) {
      out.reset();
      for (int i = 0; i < 100; i++) {
        sequence++;
        FlowRecord flow = SampleRecords.anthropicOverIpv4(sequence);
        int host = (int) (sequence % 3);
        int vendor = (int) (sequence / 3 % 2);
        flow.setHost("host-" + host);
        flow.setHostTeam(host == 2 ? "research" : "payments");
        flow.setHostOwner("owner-" + host);
        flow.setVendor(vendor == 0 ? "anthropic" : "openai");
        flow.setService(flow.getVendor() + (sequence / 6 % 2 == 0 ? "-api" : "-chat"));
        // Every 7 minutes or so across the day; the last record ends just after midnight.
        Instant last = SampleRecords.at(SampleRecords.DAY, "00:00:00.000001").plusSeconds(sequence * 144 + sequence % 60);
        flow.setLastSeen(last);
        flow.setFirstSeen(last.minusMillis(sequence * 37 % 90_000));
        flow.setBytesUp(1000 + sequence * 17 % 5000);
        flow.setBytesDown(200 + sequence * 13 % 900);
        flow.setPacketsUp(3 + sequence % 11);
        flow.setPacketsDown(2 + sequence % 7);
        FlowRows.encode(out, flow);
      }
      batches.add(out.toByteArray());
    }
    return batches;
  }
}
