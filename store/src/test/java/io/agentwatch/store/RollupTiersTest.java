package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.schema.FlowRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A named query over {@code {flow_totals:Rollup}} or {@code {vendor_totals:Rollup}} reads the
 * coarsest table its range and bucket width align to, and answers exactly as the raw records do
 * (each family's {@code _raw}, over flows), whichever table that is: flows
 * inserted through the sink's path over two days (one batch sent twice, as a restored job would).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RollupTiersTest {

  private static final List<String> ROLLUP_QUERIES = List.of("fleet_totals", "fleet_summary", "fleet_overview", "top_hosts", "top_teams",
      "top_vendors", "host_vendors", "vendor_detail", "new_vendor_pairs", "host_exposure");
  private static final Pattern LOW_CARDINALITY = Pattern.compile("LowCardinality\\((\\w+)\\)");

  /** The rollup families the queries read ({@code {NAME:Rollup}}): the same figures, shaped per host or per vendor. */
  private static final List<String> FAMILIES = List.of("flow_totals", "vendor_totals", "host_rollup");
  private static final String[] VENDORS = {"anthropic", "openai", "deepseek"};
  private static final String[] TEAMS = {"payments", "ml", ""};
  private static final LocalDate DAY = SampleRecords.DAY;
  private static final Instant NOW = Instant.now();

  @TempDir static Path dataDir;
  private EmbeddedChdbStore store;

  @BeforeAll
  void storeWithTwoDaysOfFlows() throws Exception {
    store = EmbeddedChdbStore.open(dataDir);
    Migrations.bundled(store).apply();
    Random random = new Random(11);
    RowBinaryWriter out = new RowBinaryWriter();
    Instant start = SampleRecords.at(DAY.minusDays(1), "00:00:00");
    for (int batch = 0; batch < 5; batch++) {
      out.reset();
      for (int i = 0; i < 200; i++) {
        int host = random.nextInt(7);
        int vendor = random.nextInt(VENDORS.length);
        Instant first = start.plusSeconds(random.nextInt(2 * 86_400)).plusNanos(random.nextInt(1_000_000) * 1000L);
        FlowRecord flow = FlowRecord.newBuilder(SampleRecords.anthropicOverIpv4(batch * 200L + i))
            .setHost("host-" + host)
            .setHostTeam(TEAMS[host % TEAMS.length])
            .setHostOwner("owner-" + host)
            .setVendor(random.nextInt(20) == 0 ? null : VENDORS[vendor])
            .setService(VENDORS[vendor] + (random.nextBoolean() ? "-api" : "-chat"))
            .setFirstSeen(first)
            .setLastSeen(first.plusMillis(random.nextInt(600_000)))
            .setBytesUp(1 + random.nextInt(5_000_000))
            .setBytesDown(random.nextInt(100_000))
            .build();
        FlowRows.encode(out, flow);
      }
      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray(), "tiers-" + batch);
    }
    store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray(), "tiers-4"); // re-sent
  }

  @AfterAll
  void close() {
    store.close();
  }

  @Test
  void everyTierAnswersARangeItAlignsToExactlyAsTheRawRecords() throws Exception {
    check("_1d", "_1h", Map.of()); // fleet_overview's buckets are an hour by default
    check("_1d", "_1d", Map.of("since", DAY.toString(), "until", DAY.plusDays(1).toString(), "bucket_seconds", "86400"));
    check("_1h", "_1h", Map.of("since", DAY + "T05:00:00Z", "until", DAY + "T17:00:00Z"));
    check("_1d", "_1h", Map.of("since", DAY.minusDays(1).toString(), "until", DAY.plusDays(1).toString(), "bucket_seconds", "7200"));
    check("_1m", "_1m", Map.of("since", DAY + "T05:07:00Z", "until", DAY + "T17:31:00Z", "bucket_seconds", "300"));
    check("_raw", "_raw", Map.of("since", DAY + "T05:07:13Z", "until", DAY + "T17:31:00Z"));
    // One host: fleet_overview and top_vendors read flow_totals for it (vendor_totals has no host).
    check("_1h", "_1h", Map.of("since", DAY + "T05:00:00Z", "until", DAY + "T17:00:00Z", "host", "host-1"));
    check("_1d", "_1d", Map.of("since", DAY.toString(), "until", DAY.plusDays(1).toString(), "bucket_seconds", "86400", "host", "host-1"));
  }

  /**
   * top_hosts and host_exposure rank the hosts on host_rollup, then read flow_totals for those
   * shown: a page of two of the seven hosts is the same two, with the same figures, on every tier.
   */
  @Test
  void aPageOfAFewHostsIsTheSameOnEveryTier() throws Exception {
    check("_1d", "_1h", Map.of("limit", "2"));
    check("_1h", "_1h", Map.of("since", DAY + "T05:00:00Z", "until", DAY + "T17:00:00Z", "limit", "2"));
    check("_1m", "_1m", Map.of("since", DAY + "T05:07:00Z", "until", DAY + "T17:31:00Z", "bucket_seconds", "300", "limit", "2"));
    check("_1d", "_1d", Map.of("since", DAY.toString(), "until", DAY.plusDays(1).toString(), "bucket_seconds", "86400",
        "team", "payments", "limit", "2"));
  }

  /**
   * A short page of top_hosts or host_exposure is the top of the long one (which holds every host):
   * the hosts ranked on host_rollup are those the full figures rank first, with the same figures.
   * (host_exposure weighs ten hosts more than its page, all seven here: its ranking is not seen.)
   */
  @Test
  void aShortPageOfHostsIsTheTopOfTheWholeList() throws Exception {
    Map<String, String> day = Map.of("since", DAY.minusDays(1).toString(), "until", DAY.plusDays(1).toString());
    for (String name : List.of("top_hosts", "host_exposure")) {
      NamedQuery query = NamedQueries.get(name);
      Map<String, String> all = new HashMap<>(day);
      all.put("limit", "1000");
      Map<String, String> two = new HashMap<>(day);
      two.put("limit", "2");
      List<String> whole = store.query(query.render(all, NOW) + " FORMAT TabSeparated").lines().toList();
      assertEquals(7, whole.size(), name + ": the seven hosts\n" + whole);
      assertEquals(String.join("\n", whole.subList(0, 2)) + "\n", store.query(query.render(two, NOW) + " FORMAT TabSeparated"), name);
    }
  }

  @Test
  void aRelativeRangeReadsTheRecordsAndABucketNarrowerThanTheTierReadsAFinerOne() {
    NamedQuery overview = NamedQueries.get("fleet_overview");
    assertTrue(overview.render(Map.of("since", "24h", "until", "now"), Instant.parse("2026-12-06T14:03:27Z"))
        .contains("flow_totals_raw"));
    assertTrue(overview.render(Map.of("since", "24h", "until", "now"), Instant.parse("2026-12-06T14:00:00Z"))
        .contains("flow_totals_1h"), "hour-aligned range, hourly buckets");
    assertTrue(overview.render(Map.of("since", "7d", "until", "now", "bucket_seconds", "60"), Instant.parse("2026-12-06T00:00:00Z"))
        .contains("flow_totals_1m"), "day-aligned range, minute buckets");
  }

  /**
   * Runs every rollup query with {@code range} (what it declares of it): it reads {@code tier}
   * ({@code bucketedTier} for fleet_overview, whose buckets count too) and agrees with the records:
   * the same SQL with each family's {@code _raw} view of flows in place of its tier.
   */
  private void check(String tier, String bucketedTier, Map<String, String> range) throws Exception {
    for (String name : ROLLUP_QUERIES) {
      NamedQuery query = NamedQueries.get(name);
      Map<String, String> values = new HashMap<>();
      for (NamedQuery.Parameter parameter : query.parameters()) {
        String value = range.get(parameter.name());
        if (value == null) {
          value = switch (parameter.name()) {
            case "host" -> parameter.defaultValue() == null ? "host-1" : null;
            case "vendor" -> parameter.defaultValue() == null ? "openai" : null;
            case "limit" -> "1000";
            default -> null;
          };
        }
        if (value != null) {
          values.put(parameter.name(), value);
        }
      }
      String sql = query.render(values, NOW);
      String suffix = name.equals("fleet_overview") ? bucketedTier : tier;
      String raw = sql;
      for (String family : FAMILIES) {
        raw = raw.replace(family + suffix, family + "_raw");
      }
      assertTrue(!raw.equals(sql) || suffix.equals("_raw"), name + " " + range + " reads a " + suffix + " table:\n" + sql);
      String expected = withoutEncoding(store.query(raw + " FORMAT TabSeparatedWithNamesAndTypes"));
      assertFalse(expected.lines().count() <= 2 && !name.equals("new_vendor_pairs"), name + " " + range + " has rows:\n" + expected);
      assertEquals(expected, withoutEncoding(store.query(sql + " FORMAT TabSeparatedWithNamesAndTypes")),
          name + " on " + suffix + " " + range);
    }
  }

  /**
   * A result with LowCardinality(T) written as T in its types line: a storage encoding, which
   * differs between flows and the rollups (066 keeps their host as String) while every client
   * reads the same values.
   */
  private static String withoutEncoding(String result) {
    String[] lines = result.split("\n", 3);
    lines[1] = LOW_CARDINALITY.matcher(lines[1]).replaceAll("$1");
    return String.join("\n", lines);
  }
}
