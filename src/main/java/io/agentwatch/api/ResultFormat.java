package io.agentwatch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.agentwatch.api.QueryResult.Column;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the command line prints a {@link QueryResult}: a table for people, JSON or CSV for programs. */
public enum ResultFormat {

  /**
   * For people: bytes in kB/MB/GB (decimal units), times in the local time zone to the minute,
   * scores to one decimal, at most {@link #TABLE_WIDTH} characters a line (the widest text
   * column is cut with '…').
   */
  TABLE {
    @Override
    public void write(QueryResult result, PrintWriter out, ZoneId zone) {
      if (result.rows().isEmpty()) {
        out.println("(no rows)");
        return;
      }
      List<Column> columns = result.columns();
      List<List<String>> cells = new ArrayList<>();
      for (List<Object> row : result.rows()) {
        List<String> line = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
          line.add(forPeople(columns.get(i), row.get(i), zone));
        }
        cells.add(line);
      }
      int[] widths = new int[columns.size()];
      for (int i = 0; i < columns.size(); i++) {
        widths[i] = columns.get(i).name().length();
        for (List<String> line : cells) {
          widths[i] = Math.max(widths[i], line.get(i).length());
        }
      }
      fitIntoWidth(widths, columns);
      out.println(line(columns.stream().map(Column::name).toList(), widths, columns));
      for (List<String> line : cells) {
        out.println(line(line, widths, columns));
      }
    }
  },

  /** A JSON array with one object per row and every column (times ISO-8601 UTC). */
  JSON {
    @Override
    public void write(QueryResult result, PrintWriter out, ZoneId zone) {
      try {
        out.println(QueryResult.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result.toJson()));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  },

  /** RFC 4180 with a header line; raw numbers, times ISO-8601 UTC, arrays joined by spaces. */
  CSV {
    @Override
    public void write(QueryResult result, PrintWriter out, ZoneId zone) {
      out.print(result.columns().stream().map(column -> csv(column.name())).collect(Collectors.joining(",")) + "\r\n");
      for (List<Object> row : result.rows()) {
        out.print(row.stream().map(value -> csv(plain(value))).collect(Collectors.joining(",")) + "\r\n");
      }
    }
  };

  public static final int TABLE_WIDTH = 100;
  private static final String GAP = "  ";
  private static final DateTimeFormatter LOCAL_MINUTE = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm");

  public abstract void write(QueryResult result, PrintWriter out, ZoneId zone);

  /** kB, MB, GB with decimal prefixes, as network tools count: 1 kB = 1000 bytes. */
  public static String bytes(double bytes) {
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
    int unit = 0;
    double value = bytes;
    while (Math.abs(value) >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    if (unit == 0) {
      return String.format(Locale.ROOT, "%.0f B", value);
    }
    return String.format(Locale.ROOT, Math.abs(value) < 10 ? "%.2f %s" : Math.abs(value) < 100 ? "%.1f %s" : "%.0f %s", value, units[unit]);
  }

  static String forPeople(Column column, Object value, ZoneId zone) {
    if (value == null) {
      return "";
    }
    if (value instanceof Instant instant) {
      return LOCAL_MINUTE.format(instant.atZone(zone));
    }
    if (column.isBytes() && value instanceof Number number) {
      return bytes(number.doubleValue());
    }
    if (value instanceof Double number) {
      return Math.abs(number) >= 1e6 ? String.format(Locale.ROOT, "%.3g", number) : String.format(Locale.ROOT, "%.1f", number);
    }
    if (value instanceof Collection<?> values) {
      return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return String.valueOf(value);
  }

  private static String plain(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Collection<?> values) {
      return values.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }
    return String.valueOf(value);
  }

  private static String csv(String text) {
    return text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
        ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
  }

  /** Narrows the widest text columns until the line fits, never below 8 characters. */
  private static void fitIntoWidth(int[] widths, List<Column> columns) {
    while (total(widths) > TABLE_WIDTH) {
      int widest = -1;
      for (int i = 0; i < widths.length; i++) {
        boolean numeric = columns.get(i).isBytes() || columns.get(i).isTime();
        if (!numeric && widths[i] > 8 && (widest < 0 || widths[i] > widths[widest])) {
          widest = i;
        }
      }
      if (widest < 0) {
        return; // nothing left to narrow: the line stays longer
      }
      widths[widest] = Math.max(8, widths[widest] - (total(widths) - TABLE_WIDTH));
    }
  }

  private static int total(int[] widths) {
    int total = GAP.length() * (widths.length - 1);
    for (int width : widths) {
      total += width;
    }
    return total;
  }

  private static String line(List<String> cells, int[] widths, List<Column> columns) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      if (cell.length() > widths[i]) {
        cell = cell.substring(0, widths[i] - 1) + "…";
      }
      boolean right = columns.get(i).isBytes() || columns.get(i).type().matches(".*(Int|Float|Decimal).*");
      String padded = right ? " ".repeat(widths[i] - cell.length()) + cell : cell + " ".repeat(widths[i] - cell.length());
      line.append(i == 0 ? "" : GAP).append(padded);
    }
    return line.toString().stripTrailing();
  }
}
