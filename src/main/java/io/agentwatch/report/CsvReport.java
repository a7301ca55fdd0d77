package io.agentwatch.report;

import io.agentwatch.api.QueryResult;
import io.agentwatch.api.QueryResult.Column;
import io.agentwatch.api.ResultFormat;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The report as CSV for spreadsheets and scripts: one table after another, separated by an empty
 * line, each with its own header whose first column is {@code section} and every row starting
 * with its section's name (range, totals, vendors, upload_over_time, top_hosts, top_teams,
 * new_vendor_pairs, alerts), so {@code grep '^top_hosts,'} picks one table. Values are raw, as in
 * `agentwatch query --format csv`: bytes as numbers, times ISO-8601 UTC, changes as ratios
 * (0.25 = +25 %; empty when there was nothing before).
 */
final class CsvReport {

  private CsvReport() {}

  static void write(FleetReport report, PrintWriter out) {
    ReportRange range = report.range();
    QueryResult header = new QueryResult(List.of(new Column("since", "DateTime"), new Column("until", "DateTime"),
        new Column("previous_since", "DateTime"), new Column("team", "String"), new Column("generated_at", "DateTime")),
        List.of(List.of(range.since(), range.until(), range.previous().since(), report.team(), report.generatedAt())));
    section(out, "range", header);
    section(out, "totals", report.totals());
    section(out, "vendors", report.vendors());
    section(out, "upload_over_time", report.overview());
    for (FleetReport.Section table : report.tables()) {
      section(out, table.key(), table.rows());
    }
    out.flush();
  }

  private static void section(PrintWriter out, String name, QueryResult rows) {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("section", "String"));
    columns.addAll(rows.columns());
    List<List<Object>> named = new ArrayList<>();
    for (List<Object> row : rows.rows()) {
      List<Object> line = new ArrayList<>();
      line.add(name);
      line.addAll(row);
      named.add(line);
    }
    if (!"range".equals(name)) {
      out.print("\r\n");
    }
    ResultFormat.CSV.write(new QueryResult(columns, named), out, ZoneOffset.UTC);
  }
}
