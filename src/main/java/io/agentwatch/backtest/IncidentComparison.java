package io.agentwatch.backtest;

import io.agentwatch.api.QueryResult;
import io.agentwatch.api.QueryResult.Column;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The backtest's incidents against the stored ones, by incident: {@code same} when both have it
 * (same detector, host and vendor, overlapping in time: a changed setting may move its start or
 * end), {@code only now} when only the new settings raise it, {@code only before} when only the
 * stored alerts have it. Newest first, as every alert list.
 */
public record IncidentComparison(List<Row> rows) {

  public static final String SAME = "same";
  public static final String ONLY_NOW = "only now";
  public static final String ONLY_BEFORE = "only before";

  /** One incident and what changed: {@code now} or {@code before} is null when only the other has it. */
  public record Row(String change, Incident now, Incident before) {

    Incident shown() {
      return now != null ? now : before;
    }
  }

  /** The columns of {@link #toResult()}: every field for programs; a table shows {@link #TABLE_COLUMNS}. */
  private static final List<Column> COLUMNS = List.of(
      new Column("change", "String"), new Column("window_start", "DateTime('UTC')"),
      new Column("window_end", "DateTime('UTC')"), new Column("detector", "String"), new Column("host", "String"),
      new Column("vendor", "String"), new Column("service", "String"), new Column("severity", "String"),
      new Column("severity_before", "String"), new Column("total_bytes", "UInt64"),
      new Column("total_bytes_before", "UInt64"), new Column("windows", "UInt64"), new Column("incident_id", "String"),
      new Column("alert_id_before", "String"), new Column("reason", "String"));

  public static final String[] TABLE_COLUMNS = {"change", "window_start", "detector", "host", "vendor", "severity", "total_bytes", "reason"};

  public static IncidentComparison of(List<Incident> now, List<Incident> before) {
    List<Row> rows = new ArrayList<>();
    List<Incident> unmatched = new ArrayList<>(before);
    for (Incident incident : now) {
      // The stored incident with the same id, else the first of the same detector, host and vendor that overlaps it.
      Incident match = unmatched.stream().filter(b -> b.incidentId().equals(incident.incidentId())).findFirst()
          .orElseGet(() -> unmatched.stream().filter(incident::sameAs).findFirst().orElse(null));
      if (match != null) {
        unmatched.remove(match);
      }
      rows.add(new Row(match != null ? SAME : ONLY_NOW, incident, match));
    }
    unmatched.forEach(incident -> rows.add(new Row(ONLY_BEFORE, null, incident)));
    rows.sort(Comparator.comparing((Row row) -> row.shown().start()).reversed()
        .thenComparing(row -> row.shown().incidentId()));
    return new IncidentComparison(List.copyOf(rows));
  }

  public long count(String change) {
    return rows.stream().filter(row -> row.change().equals(change)).count();
  }

  /** The rows in the command line's and the API's result shape (table, JSON, CSV). */
  public QueryResult toResult() {
    List<List<Object>> values = new ArrayList<>();
    for (Row row : rows) {
      Incident shown = row.shown();
      Incident before = row.before();
      List<Object> value = new ArrayList<>();
      value.add(row.change());
      value.add(shown.start());
      value.add(shown.end());
      value.add(shown.detector());
      value.add(shown.host());
      value.add(shown.vendor());
      value.add(shown.service());
      value.add(row.now() != null ? row.now().severity() : "");
      value.add(before != null ? before.severity() : "");
      value.add(row.now() != null ? row.now().totalBytes() : 0L);
      value.add(before != null ? before.totalBytes() : 0L);
      value.add(shown.windows());
      value.add(shown.incidentId());
      value.add(before != null ? before.alertId() : "");
      value.add(shown.reason());
      values.add(value);
    }
    return new QueryResult(COLUMNS, values);
  }

  static boolean startsIn(Incident incident, Instant since, Instant until) {
    return !incident.start().isBefore(since) && incident.start().isBefore(until);
  }
}
