package io.agentwatch.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: the console's panel queries over 30 days of flows in the embedded engine, each on
 * the tier it reads and on the raw records ({@code flow_totals_raw}), p50 and p95 of repeated
 * runs; and bytes on disk per row of each table (BENCHMARKS.md, Store). Run with
 * {@code mvn -pl store -am test -Dtest=RollupQueryBenchmark -Dagentwatch.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false} ({@code -Dagentwatch.bench.rows=10000000}).
 *
 * <p>Rows are made by the engine (INSERT ... SELECT FROM numbers, in blocks, so the materialized
 * views fill the rollups as the sink's inserts would): 2 000 hosts in 20 teams, each using 3 of
 * 8 vendors and 2 services of each, spread evenly over 30 days.
 */
@EnabledIfSystemProperty(named = "agentwatch.bench", matches = "true")
class RollupQueryBenchmark {

  private static final long ROWS = Long.getLong("agentwatch.bench.rows", 10_000_000L);
  private static final int RUNS = Integer.getInteger("agentwatch.bench.runs", 15);
  private static final Instant END = Instant.parse("2026-12-06T00:00:00Z");
  private static final long SPAN_SECONDS = 30 * 86_400L;
  private static final List<String> PANELS = List.of("fleet_totals", "fleet_overview", "top_hosts", "top_teams", "top_vendors",
      "vendor_detail", "host_vendors", "new_vendor_pairs", "host_exposure", "host_vendor_exposure");

  @TempDir Path dir;

  @Test
  void panelLatencyOnTheTiersAndOnTheRawRecords() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dir)) {
      Migrations.bundled(store).apply();
      long start = System.nanoTime();
      long block = 1_000_000;
      for (long offset = 0; offset < ROWS; offset += block) {
        store.execute("INSERT INTO flows (sensor_id, sequence, host, host_team, host_owner, src_ip, src_port, dst_ip, dst_port,"
            + " transport, first_seen, last_seen, packets_up, packets_down, bytes_up, bytes_down, sni, alpn, ja4, vendor, service,"
            + " category, identified_by, end_reason, community_id, confidence) SELECT 'sensor-1', number,"
            + " 'host-' || toString(h), 'team-' || toString(h % 20), 'owner-' || toString(h),"
            + " toIPv6(IPv4NumToString(toUInt32(167772160 + h))), 40000 + number % 20000, toIPv6('160.79.104.10'), 443, 'tcp',"
            + " t - 3, t, 10 + number % 7, 30 + number % 11, 5000 + cityHash64(number) % 99999, 40000 + number % 99999,"
            + " 'api.example.com', 'h2', 't13d1516h2_8daaf6152771_e5627efa2ab1', 'vendor-' || toString(v),"
            + " 'vendor-' || toString(v) || '-' || toString(number % 2), 'llm-api', 'sni', 'fin',"
            + " '1:' || base64Encode(reinterpretAsString(cityHash64(number))), 'high'"
            + " FROM (SELECT number, cityHash64(number, 1) % 2000 AS h, (h + number % 3) % 8 AS v,"
            + " toDateTime64(" + (END.getEpochSecond() - SPAN_SECONDS) + " + intDiv(number * " + SPAN_SECONDS + ", " + ROWS + "), 6, 'UTC') AS t"
            + " FROM numbers(" + offset + ", " + Math.min(block, ROWS - offset) + "))");
      }
      System.out.printf("bench: %d flows rows inserted (with the rollups' views) in %.1f s%n", ROWS, (System.nanoTime() - start) / 1e9);
      store.execute("OPTIMIZE TABLE flow_totals_1d FINAL");
      store.execute("OPTIMIZE TABLE host_vendor_contact FINAL");
      System.out.println("bench: table\trows\tbytes on disk\tbytes per row");
      for (String table : List.of("flows", "flow_totals_1m", "flow_totals_1h", "flow_totals_1d", "host_vendor_contact")) {
        System.out.print("bench: " + store.query("SELECT '" + table + "', sum(rows), sum(bytes_on_disk),"
            + " round(sum(bytes_on_disk) / sum(rows), 1) FROM system.parts WHERE active AND table = '" + table + "' FORMAT TSV"));
      }

      String since = END.minusSeconds(SPAN_SECONDS).toString();
      System.out.println("bench: panel\trange\ttier\tp50 ms\tp95 ms\traw p50 ms\traw p95 ms");
      for (String range : List.of("30d", "1d")) {
        Map<String, String> values = new HashMap<>(Map.of("since", range.equals("30d") ? since : END.minusSeconds(86_400).toString(),
            "until", END.toString()));
        for (String panel : PANELS) {
          NamedQuery query = NamedQueries.get(panel);
          Map<String, String> given = new HashMap<>();
          for (NamedQuery.Parameter parameter : query.parameters()) {
            switch (parameter.name()) {
              case "since", "until" -> given.put(parameter.name(), values.get(parameter.name()));
              case "host" -> { if (parameter.defaultValue() == null) { given.put("host", "host-7"); } }
              case "vendor" -> { if (parameter.defaultValue() == null) { given.put("vendor", "vendor-3"); } }
              case "bucket_seconds" -> given.put("bucket_seconds", range.equals("30d") ? "86400" : "3600");
              default -> { }
            }
          }
          String sql = query.render(given, END);
          String tier = NamedQuery.TIERS.stream().map(t -> "flow_totals" + t.suffix()).filter(sql::contains).findFirst().orElse("-");
          String raw = sql.replace(tier, "flow_totals_raw");
          long[] onTier = time(store, sql);
          long[] onRaw = time(store, raw);
          System.out.printf("bench: %s\t%s\t%s\t%.1f\t%.1f\t%.1f\t%.1f%n", panel, range, tier,
              onTier[0] / 1e6, onTier[1] / 1e6, onRaw[0] / 1e6, onRaw[1] / 1e6);
        }
      }
    }
  }

  /** p50 and p95 in nanoseconds of {@link #RUNS} runs after two warm-up runs. */
  private static long[] time(ClickHouseStore store, String sql) throws StoreException {
    store.query(sql + " FORMAT Null");
    store.query(sql + " FORMAT Null");
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      store.query(sql + " FORMAT Null");
      times.add(System.nanoTime() - start);
    }
    long[] sorted = times.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return new long[] {sorted[sorted.length / 2], sorted[(int) Math.ceil(sorted.length * 0.95) - 1]};
  }
}
