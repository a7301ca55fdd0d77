package io.agentwatch.report;

import io.agentwatch.api.QueryResult;
import io.agentwatch.api.ResultFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's charts as inline SVG, drawn here from query results: nothing to load, no script,
 * the file opens offline. Every label is escaped ({@link Html}).
 */
final class SvgCharts {

  /** Series colours, told apart by people with the common colour-vision deficiencies (Okabe–Ito). */
  private static final String[] COLOURS = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"};
  /** Vendors drawn as lines of their own; the rest are summed as "other". */
  private static final int MAX_SERIES = 6;
  private static final int WIDTH = 760;

  private SvgCharts() {}

  /**
   * One bar per vendor for the upload in the range, a thin grey bar under it for the previous
   * period, the value at the end.
   */
  static String vendorBars(QueryResult vendors) {
    int rows = vendors.rows().size();
    int rowHeight = 30;
    int labelWidth = 150;
    int valueWidth = 90;
    int height = rows * rowHeight + 10;
    long max = 1;
    for (int i = 0; i < rows; i++) {
      max = Math.max(max, Math.max(FleetReport.number(vendors, i, "bytes_up"), FleetReport.number(vendors, i, "previous_bytes_up")));
    }
    double scale = (WIDTH - labelWidth - valueWidth) / (double) max;
    StringBuilder svg = open(height, "Upload per vendor, this period (coloured) and the previous one (grey)");
    int vendorColumn = FleetReport.index(vendors, "vendor");
    for (int i = 0; i < rows; i++) {
      String vendor = String.valueOf(vendors.rows().get(i).get(vendorColumn));
      long up = FleetReport.number(vendors, i, "bytes_up");
      long before = FleetReport.number(vendors, i, "previous_bytes_up");
      int y = 5 + i * rowHeight;
      svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", labelWidth - 8, y + 15, Html.escape(vendor)));
      svg.append(format("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"><title>%s: %s</title></rect>",
          labelWidth, y, up * scale, COLOURS[0], Html.escape(vendor), ResultFormat.bytes(up)));
      svg.append(format("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"5\" fill=\"#bbbbbb\"><title>%s before: %s</title></rect>",
          labelWidth, y + 18, before * scale, Html.escape(vendor), ResultFormat.bytes(before)));
      svg.append(format("<text x=\"%.1f\" y=\"%d\">%s</text>", labelWidth + up * scale + 6, y + 13, ResultFormat.bytes(up)));
    }
    return svg.append("</svg>").toString();
  }

  /**
   * Upload per bucket over the range, one line per vendor (the largest {@link #MAX_SERIES}, the
   * rest as "other"), from fleet_overview's rows.
   */
  static String uploadOverTime(QueryResult overview, ReportRange range, long bucketSeconds) {
    int height = 260;
    int left = 80;
    int right = 20;
    int top = 15;
    int bottom = 40;
    long first = Math.floorDiv(range.since().getEpochSecond(), bucketSeconds) * bucketSeconds;
    int buckets = (int) Math.max(1, (range.until().getEpochSecond() - first + bucketSeconds - 1) / bucketSeconds);
    Map<String, long[]> series = series(overview, first, bucketSeconds, buckets);
    long max = 1;
    for (long[] values : series.values()) {
      for (long value : values) {
        max = Math.max(max, value);
      }
    }
    double plotWidth = WIDTH - left - right;
    double plotHeight = height - top - bottom - 20;
    double step = buckets > 1 ? plotWidth / (buckets - 1) : 0;
    StringBuilder svg = open(height, "Upload per vendor per " + Cells.duration(bucketSeconds));
    // Axes: zero and the largest bucket on the left, the range's ends below.
    svg.append(format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\"/>", left, top, left, top + plotHeight));
    svg.append(format("<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>", left, top + plotHeight,
        left + plotWidth, top + plotHeight));
    svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", left - 6, top + 10, ResultFormat.bytes(max)));
    svg.append(format("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">0</text>", left - 6, top + plotHeight));
    svg.append(format("<text x=\"%d\" y=\"%.1f\">%s</text>", left, top + plotHeight + 16, Cells.time(Instant.ofEpochSecond(first))));
    svg.append(format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>", left + plotWidth, top + plotHeight + 16,
        Cells.time(range.until())));
    int colour = 0;
    double legendX = left;
    for (Map.Entry<String, long[]> line : series.entrySet()) {
      String fill = COLOURS[colour++ % COLOURS.length];
      StringBuilder points = new StringBuilder();
      long[] values = line.getValue();
      for (int i = 0; i < values.length; i++) {
        points.append(format("%.1f,%.1f ", left + i * step, top + plotHeight - values[i] * plotHeight / max));
      }
      svg.append(format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"><title>%s</title></polyline>",
          fill, points.toString().strip(), Html.escape(line.getKey())));
      svg.append(format("<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", legendX, height - 14, fill));
      svg.append(format("<text x=\"%.1f\" y=\"%d\">%s</text>", legendX + 14, height - 5, Html.escape(line.getKey())));
      legendX += 24 + 7 * Math.min(line.getKey().length(), 20);
    }
    return svg.append("</svg>").toString();
  }

  /** Upload per bucket per vendor, the largest vendors first, the others summed as "other". */
  private static Map<String, long[]> series(QueryResult overview, long first, long bucketSeconds, int buckets) {
    Map<String, long[]> byVendor = new LinkedHashMap<>();
    int time = FleetReport.index(overview, "time");
    int vendor = FleetReport.index(overview, "vendor");
    for (int row = 0; row < overview.rows().size(); row++) {
      Instant start = (Instant) overview.rows().get(row).get(time);
      int bucket = (int) ((start.getEpochSecond() - first) / bucketSeconds);
      if (bucket >= 0 && bucket < buckets) {
        byVendor.computeIfAbsent(String.valueOf(overview.rows().get(row).get(vendor)), v -> new long[buckets])[bucket] +=
            FleetReport.number(overview, row, "bytes_up");
      }
    }
    List<Map.Entry<String, long[]>> largest = new ArrayList<>(byVendor.entrySet());
    largest.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -sum(e.getValue())).thenComparing(Map.Entry::getKey));
    Map<String, long[]> series = new LinkedHashMap<>();
    for (int i = 0; i < largest.size(); i++) {
      if (i < MAX_SERIES || largest.size() == MAX_SERIES + 1) {
        series.put(largest.get(i).getKey(), largest.get(i).getValue());
      } else {
        long[] other = series.computeIfAbsent("other", v -> new long[buckets]);
        for (int b = 0; b < buckets; b++) {
          other[b] += largest.get(i).getValue()[b];
        }
      }
    }
    return series;
  }

  private static long sum(long[] values) {
    long sum = 0;
    for (long value : values) {
      sum += value;
    }
    return sum;
  }

  private static StringBuilder open(int height, String title) {
    return new StringBuilder(format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
        + " role=\"img\" aria-label=\"%s\"><title>%s</title>", WIDTH, height, WIDTH, height, Html.escape(title), Html.escape(title)));
  }

  private static String format(String pattern, Object... values) {
    return String.format(Locale.ROOT, pattern, values);
  }
}
