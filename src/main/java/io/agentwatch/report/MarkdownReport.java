package io.agentwatch.report;

import io.agentwatch.api.QueryResult;
import io.agentwatch.api.QueryResult.Column;
import io.agentwatch.api.ResultFormat;
import java.io.PrintWriter;
import java.util.List;

/**
 * The report as Markdown (CommonMark/GitHub tables) for a wiki page or a ticket: the same
 * sections as the HTML without the charts. Values are escaped so a host name cannot break a table
 * or inject markup.
 */
final class MarkdownReport {

  private MarkdownReport() {}

  static void write(FleetReport report, PrintWriter out) {
    ReportRange range = report.range();
    ReportRange previous = range.previous();
    out.println("# AI usage report: " + escape(report.scope()));
    out.println();
    out.println("From " + Cells.time(range.since()) + " to " + Cells.time(range.until()) + " (UTC, end excluded), compared with the "
        + Cells.duration(range.length().getSeconds()) + " before (" + Cells.time(previous.since()) + " to "
        + Cells.time(previous.until()) + "). Generated " + Cells.time(report.generatedAt()) + " by AgentWatch.");
    out.println();
    out.println("## Summary");
    out.println();
    if (!report.hasTraffic()) {
      out.println("No traffic to AI vendors in this period.");
      out.println();
    }
    out.println("- Uploaded to AI vendors: **" + ResultFormat.bytes(report.total("bytes_up")) + "** ("
        + Cells.comparison(change(report, "upload_change")) + ")");
    out.println("- Downloaded from AI vendors: **" + ResultFormat.bytes(report.total("bytes_down")) + "** ("
        + Cells.comparison(change(report, "download_change")) + ")");
    out.println("- Hosts: **" + report.total("hosts") + "**, teams: **" + report.total("teams") + "**, vendors: **"
        + report.total("vendors") + "**");
    out.println();
    if (!report.vendors().rows().isEmpty()) {
      out.println("### Per vendor");
      out.println();
      table(out, report.vendors(), "");
    }
    for (FleetReport.Section section : report.tables()) {
      out.println("## " + escape(section.title()));
      out.println();
      table(out, section.rows(), section.whenEmpty());
    }
    out.flush();
  }

  private static Double change(FleetReport report, String column) {
    return (Double) report.totals().rows().get(0).get(FleetReport.index(report.totals(), column));
  }

  private static void table(PrintWriter out, QueryResult result, String whenEmpty) {
    if (result.rows().isEmpty()) {
      out.println("_" + escape(whenEmpty) + "_");
      out.println();
      return;
    }
    List<Column> columns = result.columns();
    StringBuilder heading = new StringBuilder("|");
    StringBuilder rule = new StringBuilder("|");
    for (Column column : columns) {
      heading.append(' ').append(escape(Cells.heading(column.name()))).append(" |");
      rule.append(Cells.numeric(column) ? " ---: |" : " --- |");
    }
    out.println(heading);
    out.println(rule);
    for (List<Object> row : result.rows()) {
      StringBuilder line = new StringBuilder("|");
      for (int i = 0; i < columns.size(); i++) {
        line.append(' ').append(escape(Cells.text(columns.get(i), row.get(i)))).append(" |");
      }
      out.println(line);
    }
    out.println();
  }

  /**
   * Text safe in a Markdown table cell: markup characters backslash-escaped, HTML's as entities
   * (renderers pass raw HTML through), line breaks as spaces.
   */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\', '|', '*', '_', '`', '[', ']', '#', '~', '!' -> out.append('\\').append(c);
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '\n', '\r' -> out.append(' ');
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
