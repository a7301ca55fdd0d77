package io.agentwatch.report;

import io.agentwatch.api.QueryResult.Column;
import io.agentwatch.api.ResultFormat;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a report shows a value to people, the same in HTML and Markdown: bytes in kB/MB/GB (the
 * command line's {@link ResultFormat#bytes}), times ISO-8601 UTC, changes as signed percentages,
 * scores to one decimal; and each column's heading.
 */
final class Cells {

  private static final Map<String, String> HEADINGS = Map.ofEntries(
      Map.entry("bytes_up", "Uploaded"), Map.entry("bytes_down", "Downloaded"),
      Map.entry("previous_bytes_up", "Uploaded before"), Map.entry("previous_bytes_down", "Downloaded before"),
      Map.entry("upload_change", "Upload change"), Map.entry("download_change", "Download change"),
      Map.entry("top_vendor", "Top vendor"), Map.entry("first_seen", "First contact"),
      Map.entry("window_start", "Window (UTC)"), Map.entry("incident_id", "Incident"));

  private Cells() {}

  /** The heading of a column: a few named, the others capitalised ("hosts" → "Hosts"). */
  static String heading(String column) {
    String known = HEADINGS.get(column);
    if (known != null) {
      return known;
    }
    String words = column.replace('_', ' ');
    return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }

  static String text(Column column, Object value) {
    if (column.name().endsWith("_change")) {
      return change((Double) value);
    }
    if (value == null) {
      return "";
    }
    if (column.name().equals("team") && "".equals(value)) {
      return "(no team)"; // hosts the inventory does not name
    }
    if (value instanceof Instant instant) {
      return time(instant);
    }
    if (column.isBytes() && value instanceof Number number) {
      return ResultFormat.bytes(number.doubleValue());
    }
    if (value instanceof Double number) {
      return String.format(Locale.ROOT, "%.1f", number);
    }
    if (value instanceof Collection<?> values) {
      return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
    return String.valueOf(value);
  }

  /** ISO-8601 UTC to the second: 2026-12-06T14:00:00Z. */
  static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** +12.5 %, -3.0 %, or "new" when there was nothing before (a null change). */
  static String change(Double change) {
    if (change == null) {
      return "new";
    }
    return String.format(Locale.ROOT, "%+.1f %%", change * 100);
  }

  /** "+12.5 % vs. the previous period", or "none in the previous period": for the summary's totals. */
  static String comparison(Double change) {
    return change == null ? "none in the previous period" : change(change) + " vs. the previous period";
  }

  /** Whether people compare the column's values by size (right-aligned). */
  static boolean numeric(Column column) {
    return column.isBytes() || column.name().endsWith("_change") || column.type().matches(".*(Int|Float|Decimal).*");
  }

  /** "day", "7 days", "hour", "3 hours", "15 minutes": a length for sentences. */
  static String duration(long seconds) {
    if (seconds % 86400 == 0) {
      return seconds == 86400 ? "day" : seconds / 86400 + " days";
    }
    if (seconds % 3600 == 0) {
      return seconds == 3600 ? "hour" : seconds / 3600 + " hours";
    }
    return seconds == 60 ? "minute" : seconds / 60 + " minutes";
  }
}
