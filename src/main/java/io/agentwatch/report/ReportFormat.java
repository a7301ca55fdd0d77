package io.agentwatch.report;

import java.io.PrintWriter;
import java.util.Locale;

/** The report's formats: one self-contained HTML page, Markdown for wikis and tickets, CSV for spreadsheets. */
public enum ReportFormat {

  HTML {
    @Override
    public void write(FleetReport report, PrintWriter out) {
      HtmlReport.write(report, out);
    }
  },

  MD {
    @Override
    public void write(FleetReport report, PrintWriter out) {
      MarkdownReport.write(report, out);
    }
  },

  CSV {
    @Override
    public void write(FleetReport report, PrintWriter out) {
      CsvReport.write(report, out);
    }
  };

  public abstract void write(FleetReport report, PrintWriter out);

  /** html, md or csv. @throws IllegalArgumentException naming the value and the choices */
  public static ReportFormat parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--format: '" + text + "' is not one of html, md, csv", e);
    }
  }
}
