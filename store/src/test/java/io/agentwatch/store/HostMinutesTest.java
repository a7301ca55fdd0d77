package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.schema.HostVendorWindow;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * host_minutes reads the job's windows without FINAL: a window fired again (a late part with
 * more bytes and the same number of flows, or one more flow) must show its newest state, as FINAL
 * keeps it, before and after the table's merges.
 */
class HostMinutesTest {

  private static final Instant NOW = Instant.parse("2026-12-06T15:00:00Z");

  @TempDir Path dataDir;

  @Test
  void aWindowFiredAgainShowsItsNewestStateAsFinalDoes() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      insert(store, SampleRecords.window("build-7", "anthropic", "05:06:00", 1_000, 700, 2),
          SampleRecords.window("build-7", "openai", "05:06:00", 50, 50, 1),
          SampleRecords.window("build-7", "anthropic", "05:07:00", 300, 300, 1),
          SampleRecords.window("build-9", "anthropic", "05:06:00", 9_999, 9_999, 9));
      // A later part of a long record: more bytes, no more flows (the same ReplacingMergeTree version).
      insert(store, SampleRecords.window("build-7", "anthropic", "05:06:00", 1_500, 900, 2));
      // The record's last part: one more flow.
      insert(store, SampleRecords.window("build-7", "anthropic", "05:07:00", 800, 500, 2));

      String expected = SampleRecords.DAY + " 05:06:00\t1550\t155\t3\n" + SampleRecords.DAY + " 05:07:00\t800\t80\t2\n";
      assertEquals(expected, minutes(store, Map.of("host", "build-7")), "before merges");
      assertEquals(expected, whatFinalKeeps(store), "what FINAL keeps");
      assertEquals(SampleRecords.DAY + " 05:06:00\t1500\t150\t2\n" + SampleRecords.DAY + " 05:07:00\t800\t80\t2\n",
          minutes(store, Map.of("host", "build-7", "vendor", "anthropic")));
      store.execute("OPTIMIZE TABLE " + HostVendorWindowRows.TABLE + " FINAL");
      assertEquals(expected, minutes(store, Map.of("host", "build-7")), "after merges");
    }
  }

  private static void insert(EmbeddedChdbStore store, HostVendorWindow... windows) throws Exception {
    RowBinaryWriter out = new RowBinaryWriter();
    for (HostVendorWindow window : windows) {
      HostVendorWindowRows.encode(out, window);
    }
    store.insertRowBinary(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, out.toByteArray());
  }

  private static String minutes(EmbeddedChdbStore store, Map<String, String> parameters) throws Exception {
    return store.query(NamedQueries.get("host_minutes").render(parameters, NOW) + " FORMAT TSV");
  }

  private static String whatFinalKeeps(EmbeddedChdbStore store) throws Exception {
    return store.query("SELECT window_start, sum(bytes_up), sum(bytes_down), sum(flows) FROM " + HostVendorWindowRows.TABLE
        + " FINAL WHERE host = 'build-7' GROUP BY window_start ORDER BY window_start FORMAT TSV");
  }
}
