package io.agentwatch.report;

import io.agentwatch.api.QueryResult;
import io.agentwatch.api.QueryResult.Column;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The fleet usage report's content, every number from a named query (sql/queries/, contract in
 * docs/query-contract.md): totals and per-vendor use with the change against the previous period
 * of the same length, upload over time, top hosts and teams, new host × vendor pairs, alerts. The
 * formats ({@link ReportFormat}) only lay it out.
 *
 * @param totals one row: fleet_totals' columns, then previous_bytes_up, previous_bytes_down,
 *     upload_change, download_change
 * @param vendors one row per vendor of either period: vendor, bytes_up, bytes_down, flows, hosts,
 *     teams, previous_bytes_up, upload_change
 * @param overview fleet_overview's rows (time, vendor, bytes_up, bytes_down, hosts) in buckets of
 *     {@code bucketSeconds}
 * @param tables top hosts, exposure by host, top teams, new pairs, alerts: the sections every format shows as tables
 */
public record FleetReport(ReportRange range, String team, Instant generatedAt, QueryResult totals,
    QueryResult vendors, QueryResult overview, long bucketSeconds, List<Section> tables) {

  /** A section shown as a table: its key (HTML id, CSV section), title, rows, and what to say when empty. */
  public record Section(String key, String title, QueryResult rows, String whenEmpty) {}

  /** Rows a top list or the new pairs show at most, unless the command says otherwise. */
  public static final int DEFAULT_LIMIT = 20;
  /** Alerts a report lists at most: the newest. */
  static final int ALERTS_LIMIT = 200;
  /** What people read of an alert; incident and severity when the alerts query has them. */
  static final String[] ALERT_COLUMNS = {"window_start", "severity", "incident_id", "detector", "host", "vendor", "score", "reason"};
  /** Widths an upload-over-time bucket may have; the smallest giving at most {@link #MAX_BUCKETS}. */
  private static final long[] BUCKET_SECONDS = {60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86400, 7 * 86400};
  private static final int MAX_BUCKETS = 100;

  /** How many queries {@link #gather} runs (for progress lines "n/N"). */
  private static final int STEPS = 8;

  /**
   * Runs the named queries for {@code range} (and the previous period) and assembles the report.
   *
   * @param team '' for the whole fleet
   * @param progress told one line before each query, for long reports
   * @throws ReportException when a team is named that has no data in either period
   */
  public static FleetReport gather(QuerySource source, ReportRange range, String team, int limit,
      Consumer<String> progress, Instant generatedAt) {
    ReportRange previous = range.previous();
    String teamName = team == null ? "" : team;
    Step step = new Step(progress);

    step.next("fleet totals, this period and the one before");
    QueryResult current = source.run("fleet_totals", with(range, "team", teamName));
    QueryResult before = source.run("fleet_totals", with(previous, "team", teamName));
    if (!teamName.isEmpty() && number(current, 0, "flows") == 0 && number(before, 0, "flows") == 0) {
      throw noDataForTeam(source, range, previous, teamName);
    }

    step.next("upload per vendor, this period and the one before");
    Map<String, String> vendorParameters = with(range, "team", teamName);
    vendorParameters.put("limit", "1000");
    QueryResult vendorsNow = source.run("top_vendors", vendorParameters);
    Map<String, String> previousVendorParameters = with(previous, "team", teamName);
    previousVendorParameters.put("limit", "1000");
    QueryResult vendorsBefore = source.run("top_vendors", previousVendorParameters);

    step.next("upload over time");
    long bucket = bucketSeconds(range);
    Map<String, String> overviewParameters = with(range, "team", teamName);
    overviewParameters.put("bucket_seconds", Long.toString(bucket));
    QueryResult overview = source.run("fleet_overview", overviewParameters);

    List<Section> tables = new ArrayList<>();
    step.next("top hosts");
    tables.add(new Section("top_hosts", "Top hosts by upload",
        source.run("top_hosts", limited(with(range, "team", teamName), limit)), "No host sent anything to an AI vendor."));

    step.next("exposure by host");
    tables.add(new Section("host_exposure", "Exposure by host",
        source.run("host_exposure", limited(with(range, "team", teamName), limit)), "No host sent anything to an AI vendor."));

    step.next("top teams");
    QueryResult teams = source.run("top_teams", limited(with(range), teamName.isEmpty() ? limit : 1000));
    tables.add(new Section("top_teams", "Top teams by upload",
        teamName.isEmpty() ? teams : onlyTeam(teams, teamName), "No team sent anything to an AI vendor."));

    step.next("new vendor/host pairs");
    tables.add(new Section("new_vendor_pairs", "Hosts that used a vendor for the first time",
        source.run("new_vendor_pairs", limited(with(range, "team", teamName), limit)),
        "No host used a vendor for the first time."));

    step.next("alerts");
    QueryResult alerts = source.run("alerts", limited(with(range, "team", teamName), ALERTS_LIMIT));
    tables.add(new Section("alerts", alerts.rows().size() >= ALERTS_LIMIT ? "Alerts (the newest " + ALERTS_LIMIT + ")" : "Alerts",
        alerts.select(ALERT_COLUMNS), "No alerts."));

    return new FleetReport(range, teamName, generatedAt, totals(current, before), vendors(vendorsNow, vendorsBefore),
        overview, bucket, List.copyOf(tables));
  }

  /** The whole fleet, or the team's name: for titles. */
  public String scope() {
    return team.isEmpty() ? "all teams" : "team " + team;
  }

  /** A number of the totals' one row, by column name (0 when the column holds null). */
  public long total(String column) {
    return number(totals, 0, column);
  }

  /** Whether anything was sent or received in the range. */
  public boolean hasTraffic() {
    return total("flows") > 0;
  }

  /** The smallest bucket width from {@link #BUCKET_SECONDS} that draws the range in at most {@link #MAX_BUCKETS} points. */
  static long bucketSeconds(ReportRange range) {
    long seconds = range.length().getSeconds();
    for (long bucket : BUCKET_SECONDS) {
      if (seconds / bucket <= MAX_BUCKETS) {
        return bucket;
      }
    }
    return BUCKET_SECONDS[BUCKET_SECONDS.length - 1];
  }

  /**
   * The relative change from {@code before} to {@code now} (0.25 = 25 % more), or null when
   * there was nothing before and is something now; 0 when there is nothing in either.
   */
  public static Double change(long now, long before) {
    if (before == 0) {
      return now == 0 ? 0.0 : null;
    }
    return (now - before) / (double) before;
  }

  /** The value of a numeric column in a row, as a long (0 for null; UInt64 sums fit). */
  static long number(QueryResult result, int row, String column) {
    if (result.rows().size() <= row) {
      return 0;
    }
    Object value = result.rows().get(row).get(index(result, column));
    if (value == null) {
      return 0;
    }
    return value instanceof BigInteger big ? big.longValue() : ((Number) value).longValue();
  }

  static int index(QueryResult result, String column) {
    for (int i = 0; i < result.columns().size(); i++) {
      if (result.columns().get(i).name().equals(column)) {
        return i;
      }
    }
    throw new IllegalStateException("the query result has no column " + column + " (it has "
        + result.columns().stream().map(Column::name).toList() + "): does sql/queries/ follow the contract?");
  }

  private static QueryResult totals(QueryResult current, QueryResult before) {
    List<Column> columns = new ArrayList<>(current.columns());
    columns.add(new Column("previous_bytes_up", "UInt64"));
    columns.add(new Column("previous_bytes_down", "UInt64"));
    columns.add(new Column("upload_change", "Nullable(Float64)"));
    columns.add(new Column("download_change", "Nullable(Float64)"));
    List<Object> row = new ArrayList<>();
    for (Column column : current.columns()) {
      row.add(current.rows().isEmpty() ? 0L : current.rows().get(0).get(index(current, column.name())));
    }
    long up = number(current, 0, "bytes_up");
    long down = number(current, 0, "bytes_down");
    long upBefore = number(before, 0, "bytes_up");
    long downBefore = number(before, 0, "bytes_down");
    row.add(upBefore);
    row.add(downBefore);
    row.add(change(up, upBefore));
    row.add(change(down, downBefore));
    return new QueryResult(List.copyOf(columns), List.of(row));
  }

  /** Both periods' vendors, this period's order first (most upload), then those gone since. */
  private static QueryResult vendors(QueryResult now, QueryResult before) {
    List<Column> columns = List.of(new Column("vendor", "String"), new Column("bytes_up", "UInt64"),
        new Column("bytes_down", "UInt64"), new Column("flows", "UInt64"), new Column("hosts", "UInt64"),
        new Column("teams", "UInt64"), new Column("previous_bytes_up", "UInt64"),
        new Column("upload_change", "Nullable(Float64)"));
    Map<String, Integer> rowNow = rowsByVendor(now);
    Map<String, Integer> rowBefore = rowsByVendor(before);
    Set<String> vendors = new LinkedHashSet<>(rowNow.keySet());
    rowBefore.keySet().stream()
        .filter(vendor -> !rowNow.containsKey(vendor))
        .sorted(Comparator.comparingLong((String vendor) -> -number(before, rowBefore.get(vendor), "bytes_up")))
        .forEach(vendors::add);
    List<List<Object>> rows = new ArrayList<>();
    for (String vendor : vendors) {
      Integer i = rowNow.get(vendor);
      long up = i == null ? 0 : number(now, i, "bytes_up");
      long upBefore = rowBefore.containsKey(vendor) ? number(before, rowBefore.get(vendor), "bytes_up") : 0;
      List<Object> row = new ArrayList<>();
      row.add(vendor);
      row.add(up);
      row.add(i == null ? 0L : number(now, i, "bytes_down"));
      row.add(i == null ? 0L : number(now, i, "flows"));
      row.add(i == null ? 0L : number(now, i, "hosts"));
      row.add(i == null ? 0L : number(now, i, "teams"));
      row.add(upBefore);
      row.add(change(up, upBefore));
      rows.add(row);
    }
    return new QueryResult(columns, rows);
  }

  private static Map<String, Integer> rowsByVendor(QueryResult result) {
    Map<String, Integer> rows = new LinkedHashMap<>();
    int column = index(result, "vendor");
    for (int i = 0; i < result.rows().size(); i++) {
      rows.put(String.valueOf(result.rows().get(i).get(column)), i);
    }
    return rows;
  }

  private static QueryResult onlyTeam(QueryResult teams, String team) {
    int column = index(teams, "team");
    return new QueryResult(teams.columns(), teams.rows().stream().filter(row -> team.equals(row.get(column))).toList());
  }

  private static ReportException noDataForTeam(QuerySource source, ReportRange range, ReportRange previous, String team) {
    QueryResult teams = source.run("top_teams", limited(with(new ReportRange(previous.since(), range.until())), 1000));
    int column = index(teams, "team");
    List<String> names = teams.rows().stream().map(row -> String.valueOf(row.get(column))).filter(name -> !name.isEmpty()).toList();
    return new ReportException("no data for team '" + team + "' from " + previous.since() + " to " + range.until()
        + (names.isEmpty() ? " (no team has data then)" : " (teams with data then: " + String.join(", ", names) + ")"));
  }

  private static Map<String, String> with(ReportRange range, String... keyValues) {
    Map<String, String> parameters = new HashMap<>(range.parameters());
    for (int i = 0; i < keyValues.length; i += 2) {
      parameters.put(keyValues[i], keyValues[i + 1]);
    }
    return parameters;
  }

  private static Map<String, String> limited(Map<String, String> parameters, int limit) {
    parameters.put("limit", Integer.toString(limit));
    return parameters;
  }

  /** Counts the queries and tells progress "report: 3/7 upload over time". */
  private static final class Step {
    private final Consumer<String> progress;
    private int done;

    Step(Consumer<String> progress) {
      this.progress = progress;
    }

    void next(String what) {
      progress.accept(++done + "/" + STEPS + " " + what);
    }
  }
}
