package io.agentwatch.report;

import io.agentwatch.api.QueryResult;
import io.agentwatch.api.QueryResult.Column;
import io.agentwatch.api.ResultFormat;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The report as one HTML file that opens offline: inline CSS, inline SVG charts, no script (the
 * page's Content-Security-Policy forbids any), every value escaped. Each figure also carries its
 * exact value in {@code data-value} (bytes, counts, ISO times), so a reader or a test can check it
 * against the named queries.
 */
final class HtmlReport {

  private static final String STYLE = """
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;margin:2em auto;max-width:1000px;padding:0 1em}
      h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #dde;padding-bottom:.2em}
      .range{color:#555}.cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}
      .card{border:1px solid #dde;border-radius:6px;padding:.6em 1em;min-width:9em}
      .card .figure{font-size:1.4em;font-weight:600}.card .change{color:#555;font-size:.9em}
      table{border-collapse:collapse;width:100%;margin:.6em 0}th,td{padding:.3em .6em;border-bottom:1px solid #eef;text-align:left;vertical-align:top}
      th{background:#f5f6fa}td.num,th.num{text-align:right;white-space:nowrap}td{overflow-wrap:anywhere}
      svg{max-width:100%;height:auto;font-size:12px;fill:#1d2430}.empty{color:#777;font-style:italic}
      @media print{body{margin:0}h2{break-after:avoid}table{break-inside:auto}}
      """;

  private HtmlReport() {}

  static void write(FleetReport report, PrintWriter out) {
    ReportRange range = report.range();
    ReportRange previous = range.previous();
    String title = "AI usage report, " + report.scope() + ", " + Cells.time(range.since()) + " to " + Cells.time(range.until());
    out.println("<!DOCTYPE html>");
    out.println("<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.println("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
    out.println("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    out.println("<title>" + Html.escape(title) + "</title><style>" + STYLE + "</style></head><body>");
    out.println("<header><h1>AI usage report: " + Html.escape(report.scope()) + "</h1>");
    out.println("<p class=\"range\" id=\"range\">From " + time(range.since()) + " to " + time(range.until())
        + " (UTC, end excluded), compared with the " + Cells.duration(range.length().getSeconds()) + " before (" + time(previous.since()) + " to "
        + time(previous.until()) + "). Generated " + time(report.generatedAt()) + " by AgentWatch.</p></header>");

    out.println("<section id=\"summary\"><h2>Summary</h2>");
    if (!report.hasTraffic()) {
      out.println("<p class=\"empty\">No traffic to AI vendors in this period.</p>");
    }
    out.println("<div class=\"cards\">");
    card(out, report, "bytes_up", "Uploaded to AI vendors", "upload_change");
    card(out, report, "bytes_down", "Downloaded from AI vendors", "download_change");
    card(out, report, "hosts", "Hosts using AI vendors", null);
    card(out, report, "teams", "Teams", null);
    card(out, report, "vendors", "Vendors", null);
    out.println("</div>");
    if (!report.vendors().rows().isEmpty()) {
      out.println("<h3>Upload per vendor</h3>");
      out.println(SvgCharts.vendorBars(report.vendors()));
      table(out, "vendors", report.vendors(), "");
    }
    out.println("</section>");

    out.println("<section id=\"upload-over-time\"><h2>Upload over time</h2>");
    if (report.overview().rows().isEmpty()) {
      out.println("<p class=\"empty\">Nothing was uploaded in this period.</p>");
    } else {
      out.println(SvgCharts.uploadOverTime(report.overview(), range, report.bucketSeconds()));
    }
    out.println("</section>");

    for (FleetReport.Section section : report.tables()) {
      out.println("<section id=\"" + section.key() + "-section\"><h2>" + Html.escape(section.title()) + "</h2>");
      table(out, section.key(), section.rows(), section.whenEmpty());
      out.println("</section>");
    }
    out.println("</body></html>");
    out.flush();
  }

  private static void card(PrintWriter out, FleetReport report, String column, String label, String changeColumn) {
    long value = report.total(column);
    String figure = new Column(column, "UInt64").isBytes() ? ResultFormat.bytes(value) : Long.toString(value);
    out.print("<div class=\"card\"><div class=\"label\">" + Html.escape(label) + "</div><div class=\"figure\" data-column=\""
        + column + "\" data-value=\"" + value + "\">" + Html.escape(figure) + "</div>");
    if (changeColumn != null) {
      Double change = (Double) report.totals().rows().get(0).get(FleetReport.index(report.totals(), changeColumn));
      out.print("<div class=\"change\" data-column=\"" + changeColumn + "\" data-value=\"" + (change == null ? "" : change)
          + "\">" + Html.escape(Cells.comparison(change)) + "</div>");
    }
    out.println("</div>");
  }

  private static void table(PrintWriter out, String id, QueryResult result, String whenEmpty) {
    if (result.rows().isEmpty()) {
      out.println("<p class=\"empty\" id=\"" + id + "\">" + Html.escape(whenEmpty) + "</p>");
      return;
    }
    List<Column> columns = result.columns();
    out.print("<table id=\"" + id + "\"><thead><tr>");
    for (Column column : columns) {
      out.print("<th" + (Cells.numeric(column) ? " class=\"num\"" : "") + ">" + Html.escape(Cells.heading(column.name())) + "</th>");
    }
    out.println("</tr></thead><tbody>");
    for (List<Object> row : result.rows()) {
      out.print("<tr>");
      for (int i = 0; i < columns.size(); i++) {
        Column column = columns.get(i);
        Object value = row.get(i);
        out.print("<td" + (Cells.numeric(column) ? " class=\"num\"" : "") + " data-column=\"" + Html.escape(column.name())
            + "\" data-value=\"" + Html.escape(exact(value)) + "\">" + Html.escape(Cells.text(column, value)) + "</td>");
      }
      out.println("</tr>");
    }
    out.println("</tbody></table>");
  }

  /** The value as programs read it: raw numbers, ISO times, lists joined by spaces. */
  private static String exact(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Collection<?> values) {
      return String.join(" ", values.stream().map(String::valueOf).toList());
    }
    return String.valueOf(value);
  }

  private static String time(Instant instant) {
    return "<time datetime=\"" + Cells.time(instant) + "\">" + Cells.time(instant) + "</time>";
  }
}
