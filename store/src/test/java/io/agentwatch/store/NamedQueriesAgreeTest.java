package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's panels, the report and Grafana each show a different named query of the same
 * flows: a fleet total must equal the sum of its per-vendor, per-host, per-team and per-bucket
 * breakdowns, and each must equal what the stored flows say, computed here from the records.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamedQueriesAgreeTest {

  private static final Instant NOW = Instant.parse("2026-12-06T15:00:00Z");
  private static final String[] VENDORS = {"anthropic", "openai", "deepseek"};
  private static final String[] TEAMS = {"payments", "ml", ""};
  /** The columns of fleet_totals, top_vendors and top_teams, which fleet_summary's scopes stand for. */
  private static final List<String> FLEET_TOTALS = List.of("bytes_up", "bytes_down", "flows", "hosts", "teams", "vendors");
  private static final List<String> TOP_VENDORS = List.of("vendor", "bytes_up", "bytes_down", "flows", "hosts", "teams");
  private static final List<String> TOP_TEAMS = List.of("team", "hosts", "bytes_up", "bytes_down", "vendors");

  @TempDir static Path dataDir;
  private EmbeddedChdbStore store;
  private final List<FlowRecord> flows = new ArrayList<>();
  private Instant dayStart;

  @BeforeAll
  void storeWithAFleetsFlows() throws Exception {
    store = EmbeddedChdbStore.open(dataDir);
    Migrations.bundled(store).apply();
    dayStart = SampleRecords.at(SampleRecords.DAY, "00:00:00");
    Random random = new Random(7);
    RowBinaryWriter out = new RowBinaryWriter();
    for (int i = 0; i < 400; i++) {
      int hostNumber = random.nextInt(9);
      Instant first = dayStart.plusSeconds(random.nextInt(86_000));
      FlowRecord flow = FlowRecord.newBuilder(SampleRecords.anthropicOverIpv4(i))
          .setHost("host-" + hostNumber)
          .setHostTeam(TEAMS[hostNumber % TEAMS.length])
          .setHostOwner("owner-" + hostNumber)
          .setVendor(VENDORS[random.nextInt(VENDORS.length)])
          .setFirstSeen(first)
          .setLastSeen(first.plusMillis(random.nextInt(300_000)))
          .setBytesUp(1 + random.nextInt(5_000_000))
          .setBytesDown(random.nextInt(100_000))
          .setCommunityId("1:flow-" + i)
          .build();
      flows.add(flow);
      FlowRows.encode(out, flow);
    }
    store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray());
  }

  @AfterAll
  void close() throws Exception {
    store.close();
  }

  @Test
  void theFleetTotalIsTheSumOfEveryBreakdownAndOfTheFlows() throws Exception {
    long expected = flows.stream().mapToLong(FlowRecord::getBytesUp).sum();
    Map<String, String> all = Map.of("limit", "1000");

    assertEquals(expected, column("fleet_totals", Map.of(), "bytes_up").get(0));
    assertEquals(expected, sum(column("top_vendors", all, "bytes_up")));
    assertEquals(expected, sum(column("top_hosts", all, "bytes_up")));
    assertEquals(expected, sum(column("top_teams", all, "bytes_up")));
    assertEquals(expected, sum(column("fleet_overview", Map.of("bucket_seconds", "3600"), "bytes_up")));
    assertEquals(expected, sum(column("fleet_overview", Map.of("bucket_seconds", "60"), "bytes_up")));
    assertEquals(flows.stream().map(FlowRecord::getHost).distinct().count(),
        column("fleet_totals", Map.of(), "hosts").get(0));
  }

  @Test
  void filtersAndRangesSelectTheSameFlowsInEveryQuery() throws Exception {
    Instant since = dayStart.plus(Duration.ofHours(6));
    Instant until = dayStart.plus(Duration.ofHours(18));
    Map<String, Long> byVendor = new TreeMap<>();
    long payments = 0;
    for (FlowRecord flow : flows) {
      boolean inRange = !flow.getLastSeen().isBefore(since) && flow.getLastSeen().isBefore(until);
      if (inRange && flow.getHostTeam().equals("payments")) {
        payments += flow.getBytesUp();
        byVendor.merge(flow.getVendor(), flow.getBytesUp(), Long::sum);
      }
    }
    Map<String, String> range = Map.of("since", since.toString(), "until", until.toString(), "team", "payments");

    assertEquals(payments, column("fleet_totals", range, "bytes_up").get(0));
    assertEquals(payments, sum(column("top_hosts", range, "bytes_up")));
    assertEquals(payments, sum(column("fleet_overview", range, "bytes_up")));
    Map<String, String> anthropic = new HashMap<>(range);
    anthropic.put("vendor", "anthropic");
    assertEquals(byVendor.get("anthropic"), column("fleet_totals", anthropic, "bytes_up").get(0));
  }

  @Test
  void theSummaryHasTheRowsOfFleetTotalsTopVendorsAndTopTeamsForEveryFilter() throws Exception {
    Map<String, String> range = Map.of("since", dayStart.plus(Duration.ofHours(6)).toString(),
        "until", dayStart.plus(Duration.ofHours(18)).toString());
    List<Map<String, String>> filterSets = List.of(Map.of(), range, with(range, "team", "payments"),
        Map.of("vendor", "anthropic"), Map.of("team", "ml", "vendor", "openai"), with(range, "vendor", "deepseek"));
    for (Map<String, String> filters : filterSets) {
      List<Map<String, String>> summary = rows("fleet_summary", with(filters, "limit", "1000"));
      String vendor = filters.getOrDefault("vendor", "");
      String team = filters.getOrDefault("team", "");
      assertEquals(rows("fleet_totals", filters), scope(summary, "fleet", FLEET_TOTALS), "fleet, " + filters);
      assertEquals(rows("top_vendors", with(without(filters, "vendor"), "limit", "1000")).stream()
              .filter(row -> vendor.isEmpty() || row.get("vendor").equals(vendor)).toList(),
          scope(summary, "vendor", TOP_VENDORS), "vendors, " + filters);
      assertEquals(rows("top_teams", with(without(filters, "team"), "limit", "1000")).stream()
              .filter(row -> team.isEmpty() || row.get("team").equals(team)).toList(),
          scope(summary, "team", TOP_TEAMS), "teams, " + filters);
    }
    List<Map<String, String>> oneHost = rows("fleet_summary", Map.of("host", "host-4", "limit", "1000"));
    assertEquals(rows("top_vendors", Map.of("host", "host-4", "limit", "1000")), scope(oneHost, "vendor", TOP_VENDORS));
    assertEquals(List.of(flows.stream().filter(f -> f.getHost().equals("host-4")).mapToLong(FlowRecord::getBytesUp).sum()),
        scope(oneHost, "fleet", List.of("bytes_up")).stream().map(row -> Long.parseLong(row.get("bytes_up"))).toList());
    assertEquals("1", scope(oneHost, "fleet", List.of("hosts")).get(0).get("hosts"));
    assertEquals(2, rows("fleet_summary", Map.of("limit", "2")).stream().filter(row -> row.get("scope").equals("vendor")).count(),
        "the limit applies to each scope");
  }

  /** The rows of one scope of fleet_summary, with the columns of the query that scope stands for. */
  private static List<Map<String, String>> scope(List<Map<String, String>> summary, String scope, List<String> columns) {
    return summary.stream().filter(row -> row.get("scope").equals(scope)).map(row -> {
      Map<String, String> kept = new HashMap<>();
      columns.forEach(column -> kept.put(column, row.get(column)));
      return kept;
    }).toList();
  }

  private static Map<String, String> with(Map<String, String> parameters, String name, String value) {
    Map<String, String> copy = new HashMap<>(parameters);
    copy.put(name, value);
    return copy;
  }

  private static Map<String, String> without(Map<String, String> parameters, String name) {
    Map<String, String> copy = new HashMap<>(parameters);
    copy.remove(name);
    return copy;
  }

  @Test
  void aHostsVendorsAndClientsAddUpToItsRowInTopHosts() throws Exception {
    long expected = flows.stream().filter(f -> f.getHost().equals("host-4")).mapToLong(FlowRecord::getBytesUp).sum();
    assertEquals(expected, sum(column("host_vendors", Map.of("host", "host-4"), "bytes_up")));
    assertEquals(expected, sum(column("host_clients", Map.of("host", "host-4"), "bytes_up")));
    assertEquals(expected, sum(column("top_vendors", Map.of("host", "host-4"), "bytes_up")));
    long vendorTotal = flows.stream().filter(f -> f.getVendor().equals("openai")).mapToLong(FlowRecord::getBytesUp).sum();
    assertEquals(vendorTotal, sum(column("vendor_detail", Map.of("vendor", "openai"), "bytes_up")));
  }

  @Test
  void newPairsAreThoseWhoseFirstContactFallsInTheRange() throws Exception {
    Instant since = dayStart.plus(Duration.ofHours(12));
    Map<String, Instant> firstContact = new TreeMap<>();
    for (FlowRecord flow : flows) {
      firstContact.merge(flow.getHost() + "/" + flow.getVendor(), flow.getFirstSeen(), (a, b) -> a.isBefore(b) ? a : b);
    }
    long expected = firstContact.values().stream().filter(t -> !t.isBefore(since)).count();
    assertEquals(expected, rows("new_vendor_pairs", Map.of("since", since.toString(), "limit", "1000")).size());
  }

  @Test
  void anAlertsFlowsAreItsTopFlowsInsideItsWindow() throws Exception {
    FlowRecord chosen = flows.get(0);
    Instant windowStart = chosen.getLastSeen().minusSeconds(30);
    Instant windowEnd = chosen.getLastSeen().plusSeconds(30);
    // A later flow of the same host that reuses the 5-tuple (same Community ID) is not the alert's.
    FlowRecord reused = FlowRecord.newBuilder(chosen).setSequence(10_000)
        .setFirstSeen(windowEnd.plusSeconds(3600)).setLastSeen(windowEnd.plusSeconds(3700)).build();
    RowBinaryWriter out = new RowBinaryWriter();
    FlowRows.encode(out, reused);
    store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray());
    store.execute("INSERT INTO alerts (alert_id, detector, host, vendor, service, window_start, window_end,"
        + " observed, baseline, score, top_flows, reason) SELECT 'a-1', 'upload-spike', '" + chosen.getHost() + "', '"
        + chosen.getVendor() + "', 'api', " + seconds(windowStart) + ", " + seconds(windowEnd)
        + ", 9e7, 5e4, 12.5, ['" + chosen.getCommunityId() + " (" + chosen.getBytesUp() + " B up)', '1:not-stored (5 B up)'], 'big upload'");
    try {
      List<Map<String, String>> alertFlows = rows("alert_flows", Map.of("alert_id", "a-1"));
      assertEquals(1, alertFlows.size(), alertFlows.toString());
      assertEquals(Long.toString(chosen.getBytesUp()), alertFlows.get(0).get("bytes_up"));
      assertEquals("160.79.104.10", alertFlows.get(0).get("dst_ip"));
      assertEquals("a-1", rows("alert", Map.of("alert_id", "a-1")).get(0).get("alert_id"));
      assertEquals(List.of(), rows("alert_flows", Map.of("alert_id", "no-such-alert")));
      assertEquals(1L, sum(column("alert_timeline", Map.of(), "alerts")));
      assertEquals(1, rows("alerts", Map.of("team", chosen.getHostTeam())).size());
    } finally {
      store.execute("TRUNCATE TABLE alerts");
      store.execute("DELETE FROM flows WHERE sequence = 10000");
    }
  }

  @Test
  void anIncidentIsOneRowWithItsLatestVersionAndTheAlertsOfTheSameRangeHaveAsManyIncidents() throws Exception {
    Instant start = dayStart.plus(Duration.ofHours(3));
    RowBinaryWriter out = new RowBinaryWriter();
    // A sustained upload reported open, twice updated, closed; a burst still open; an alert from before incidents.
    String[] states = {"open", "update", "update", "closed"};
    for (int version = 0; version < states.length; version++) {
      AlertRows.encode(out, incidentRecord("sustained-upload", "host-1", "openai", start, version, states[version],
          15 * (version + 1), 1_000_000L * (version + 1)));
    }
    AlertRows.encode(out, incidentRecord("upload-spike", "host-2", "anthropic", start.plusSeconds(600), 0, "open", 1, 75_000_000L));
    AlertRows.encode(out, ExposureAlert.newBuilder(incidentRecord("upload-heavy", "host-2", "deepseek", start.plusSeconds(1200),
        0, "", 1, 0)).setIncidentId("").setAlertId("upload-heavy/host-2/deepseek/api/legacy").build());
    store.insertRowBinary(AlertRows.TABLE, AlertRows.COLUMNS, out.toByteArray());
    try {
      List<Map<String, String>> incidents = rows("incidents", Map.of());
      assertEquals(List.of("upload-heavy/host-2/deepseek/api/legacy", "upload-spike/host-2/anthropic/" + start.plusSeconds(600),
          "sustained-upload/host-1/openai/" + start), incidents.stream().map(row -> row.get("incident_id")).toList(),
          "one row per incident, newest first");
      Map<String, String> sustained = incidents.get(2);
      assertEquals("sustained-upload/host-1/openai/" + start + "/3", sustained.get("alert_id"), "its latest version");
      assertEquals("closed", sustained.get("state"));
      assertEquals("2", sustained.get("updates"));
      assertEquals("4", sustained.get("versions"));
      assertEquals("4000000", sustained.get("total_bytes"), "the latest running total, not a sum of the versions'");
      assertEquals("60", sustained.get("windows"));
      assertEquals(clickHouseTime(start), sustained.get("window_start"));
      assertEquals(clickHouseTime(start.plusSeconds(60 * 60)), sustained.get("window_end"), "the last version's end");
      assertEquals("reason of version 3", sustained.get("reason"));
      assertEquals("openai", sustained.get("vendor"));

      // The alerts query lists every version; its rows belong to exactly the incidents listed, filter by filter.
      for (Map<String, String> filter : List.of(Map.<String, String>of(), Map.of("host", "host-2"),
          Map.of("detector", "sustained-upload"), Map.of("since", start.plusSeconds(300).toString()))) {
        List<Map<String, String>> alerts = rows("alerts", filter);
        assertEquals(alerts.stream().map(row -> row.get("incident_id").isEmpty() ? row.get("alert_id") : row.get("incident_id"))
            .distinct().sorted().toList(),
            rows("incidents", filter).stream().map(row -> row.get("incident_id")).sorted().toList(), filter.toString());
      }
      assertEquals(3L, sum(column("alert_timeline", Map.of("bucket_seconds", "86400"), "alerts")),
          "the timeline counts the same incidents");
    } finally {
      store.execute("TRUNCATE TABLE alerts");
    }
  }

  private static ExposureAlert incidentRecord(String detector, String host, String vendor, Instant start, int version,
      String state, int windows, long total) {
    String incident = detector + "/" + host + "/" + vendor + "/" + start;
    return ExposureAlert.newBuilder()
        .setAlertId(incident + "/" + version).setDetector(detector).setHost(host).setVendor(vendor).setService("api")
        .setWindowStart(start).setWindowEnd(start.plusSeconds(60L * windows))
        .setObserved(total).setBaseline(1e5).setScore(10 + version).setReason("reason of version " + version)
        .setTopFlows(List.of()).setIncidentId(incident).setState(state).setVersion(version).setSeverity("high")
        .setPolicy("unreviewed").setTotalBytes(total).setPeakBytes(total / windows).setPeakWindowStart(start)
        .setWindows(windows).setVendorBreakdown(List.of())
        .build();
  }

  private static String clickHouseTime(Instant time) {
    return time.toString().replace('T', ' ').replace("Z", "");
  }

  private static String seconds(Instant time) {
    return "toDateTime(" + time.getEpochSecond() + ", 'UTC')";
  }

  private List<Map<String, String>> rows(String query, Map<String, String> parameters) throws Exception {
    String sql = NamedQueries.get(query).render(parameters, NOW) + " FORMAT TabSeparatedWithNames";
    String[] lines = store.query(sql).split("\n");
    List<String> names = Arrays.asList(lines[0].split("\t", -1));
    List<Map<String, String>> rows = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        continue;
      }
      String[] values = lines[i].split("\t", -1);
      Map<String, String> row = new HashMap<>();
      for (int c = 0; c < names.size(); c++) {
        row.put(names.get(c), values[c]);
      }
      rows.add(row);
    }
    return rows;
  }

  private List<Long> column(String query, Map<String, String> parameters, String name) throws Exception {
    return rows(query, parameters).stream().map(row -> Long.parseLong(row.get(name))).toList();
  }

  private static long sum(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).sum();
  }
}
