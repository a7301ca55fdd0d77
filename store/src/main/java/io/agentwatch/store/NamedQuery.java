package io.agentwatch.store;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One query of {@code sql/queries/}, with typed parameters: the only SQL that readers (the HTTP
 * API, the command line, reports) can run.
 *
 * <p>A file starts with comment lines: the description, then one line per parameter,
 * {@code -- @param NAME TYPE DEFAULT description}, where TYPE is {@code DateTime}, {@code String},
 * {@code UInt64} or {@code Float64} and DEFAULT is a value, {@code ''} (empty text) or
 * {@code required}. The body refers to a parameter in ClickHouse's own syntax,
 * {@code {NAME:TYPE}}. Values are parsed by their type and written into the SQL as literals
 * (text quoted and escaped), so a value can never change the query's shape.
 *
 * <p>A query over a time range can read the smallest table that answers it: {@code {NAME:Rollup}}
 * in the body stands for one of the tables {@code NAME_1d}, {@code NAME_1h}, {@code NAME_1m} and
 * {@code NAME_raw} (see {@link #TIERS}), which hold the same figures per day, hour, minute and
 * record. The query must declare {@code since} and {@code until} (DateTime) and may declare
 * {@code bucket_seconds} (UInt64); the coarsest tier whose width divides since, until (seconds
 * since 1970) and the bucket width is chosen, so each tier gives the same result: a range that
 * does not start and end on whole minutes reads the records.
 *
 * <p>A caller may ask for some of the result's columns only ({@link #render(Map, Instant, List)}):
 * ClickHouse then leaves out the work that computes only the others, such as merging host-count
 * states for a chart that draws bytes.
 *
 * <p>Times are ISO-8601 instants ({@code 2026-12-06T14:00:00Z}), dates ({@code 2026-12-06},
 * midnight UTC), {@code now}, or a duration ago: {@code 90s}, {@code 15m}, {@code 24h}, {@code 7d}.
 */
public final class NamedQuery {

  /** The types a parameter can have; each parses text and writes a ClickHouse literal. */
  public enum Type {
    DateTime, String, UInt64, Float64
  }

  /**
   * @param defaultValue the value when none is given, or null when the parameter is required
   */
  public record Parameter(String name, Type type, String defaultValue, String description) {}

  /** The name under which a caller asks for some columns only (the HTTP API's query string): no parameter's. */
  public static final String COLUMNS = "columns";

  /** The placeholder type that names a family of rollup tables instead of a parameter. */
  static final String ROLLUP = "Rollup";

  /** A rollup table's suffix and the width of its rows in seconds, coarsest first; the last answers any range. */
  public record Tier(String suffix, long seconds) {}

  public static final List<Tier> TIERS =
      List.of(new Tier("_1d", 86_400), new Tier("_1h", 3_600), new Tier("_1m", 60), new Tier("_raw", 1));

  /** The parameters a tier is chosen from. */
  private static final List<String> ROLLUP_PARAMETERS = List.of("since", "until", "bucket_seconds");

  private static final Pattern PARAM_LINE =
      Pattern.compile("--\\s*@param\\s+([a-z_][a-z0-9_]*)\\s+(\\w+)\\s+(\\S+)\\s*(.*)");
  /** A result column a caller may ask for: a plain identifier, so it is written into the SQL as is. */
  private static final Pattern COLUMN = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_][a-z0-9_]*):(\\w+)}");
  private static final Pattern AGO = Pattern.compile("(\\d+)(s|m|h|d)");
  private static final DateTimeFormatter CLICKHOUSE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final String name;
  private final String description;
  private final Map<String, Parameter> parameters;
  private final String body;

  private NamedQuery(String name, String description, Map<String, Parameter> parameters, String body) {
    this.name = name;
    this.description = description;
    this.parameters = parameters;
    this.body = body;
  }

  /**
   * Parses a query file.
   *
   * @throws IllegalArgumentException naming the query and the problem: a malformed parameter
   *     line, an unknown type, a placeholder without a declaration or of another type, a
   *     declared parameter the body never uses
   */
  public static NamedQuery parse(String name, String text) {
    StringBuilder description = new StringBuilder();
    Map<String, Parameter> parameters = new LinkedHashMap<>();
    StringBuilder body = new StringBuilder();
    boolean inHeader = true;
    for (String line : text.strip().split("\n", -1)) {
      String trimmed = line.strip();
      if (inHeader && trimmed.startsWith("--")) {
        Matcher param = PARAM_LINE.matcher(trimmed);
        if (param.matches()) {
          Type type = type(name, param.group(2));
          String defaultValue = switch (param.group(3)) {
            case "required" -> null;
            case "''" -> "";
            default -> param.group(3);
          };
          Parameter parameter = new Parameter(param.group(1), type, defaultValue, param.group(4).strip());
          if (parameter.name().equals(COLUMNS)) {
            throw new IllegalArgumentException("query " + name + ": '" + COLUMNS
                + "' is no parameter name: callers ask for the result's columns under it");
          }
          if (defaultValue != null && !defaultValue.isEmpty()) {
            literal(name, parameter, defaultValue, Instant.EPOCH); // a bad default fails at load
          }
          if (parameters.putIfAbsent(parameter.name(), parameter) != null) {
            throw new IllegalArgumentException("query " + name + ": parameter " + parameter.name() + " is declared twice");
          }
        } else if (trimmed.contains("@param")) {
          throw new IllegalArgumentException("query " + name + ": '" + trimmed
              + "' is not a parameter line (-- @param NAME TYPE DEFAULT|required description)");
        } else if (parameters.isEmpty()) {
          description.append(description.length() == 0 ? "" : " ").append(trimmed.substring(2).strip());
        }
        continue;
      }
      inHeader = false;
      body.append(line).append('\n');
    }
    Set<String> used = new LinkedHashSet<>();
    Matcher placeholder = PLACEHOLDER.matcher(body);
    while (placeholder.find()) {
      if (placeholder.group(2).equals(ROLLUP)) {
        for (String range : List.of("since", "until")) {
          Parameter declared = parameters.get(range);
          if (declared == null || declared.type() != Type.DateTime) {
            throw new IllegalArgumentException("query " + name + ": {" + placeholder.group(1) + ":" + ROLLUP
                + "} needs a '-- @param " + range + " DateTime' line (the tier is chosen from the range)");
          }
        }
        Parameter bucket = parameters.get("bucket_seconds");
        if (bucket != null && bucket.type() != Type.UInt64) {
          throw new IllegalArgumentException("query " + name + ": bucket_seconds must be UInt64 to choose a rollup tier");
        }
        ROLLUP_PARAMETERS.stream().filter(parameters::containsKey).forEach(used::add);
        continue;
      }
      Parameter declared = parameters.get(placeholder.group(1));
      if (declared == null) {
        throw new IllegalArgumentException("query " + name + ": {" + placeholder.group(1) + ":" + placeholder.group(2)
            + "} has no '-- @param " + placeholder.group(1) + "' line");
      }
      if (!declared.type().name().equals(placeholder.group(2))) {
        throw new IllegalArgumentException("query " + name + ": {" + placeholder.group(1) + ":" + placeholder.group(2)
            + "} but the parameter is declared " + declared.type());
      }
      used.add(declared.name());
    }
    for (String declared : parameters.keySet()) {
      if (!used.contains(declared)) {
        throw new IllegalArgumentException("query " + name + ": parameter " + declared + " is declared but never used");
      }
    }
    return new NamedQuery(name, description.toString(), Collections.unmodifiableMap(parameters), body.toString().strip());
  }

  public String name() {
    return name;
  }

  /** The first comment lines of the file. */
  public String description() {
    return description;
  }

  /** The parameters in the order the file declares them. */
  public List<Parameter> parameters() {
    return List.copyOf(parameters.values());
  }

  /**
   * The SQL to run (no FORMAT clause: callers append theirs), with every parameter replaced by the
   * literal of its value, or of its default.
   *
   * @param values by parameter name; names the query does not have are refused
   * @param now what {@code now} and durations ago count from
   * @throws IllegalArgumentException naming the query, the parameter and what it expects
   */
  public String render(Map<String, String> values, Instant now) {
    for (String given : values.keySet()) {
      if (!parameters.containsKey(given)) {
        throw new IllegalArgumentException("query " + name + " has no parameter '" + given + "'"
            + (parameters.isEmpty() ? " (it takes none)" : "; its parameters: " + String.join(", ", parameters.keySet())));
      }
    }
    Matcher placeholder = PLACEHOLDER.matcher(body);
    StringBuilder sql = new StringBuilder();
    while (placeholder.find()) {
      if (placeholder.group(2).equals(ROLLUP)) {
        placeholder.appendReplacement(sql, placeholder.group(1) + tier(values, now).suffix());
        continue;
      }
      Parameter parameter = parameters.get(placeholder.group(1));
      String value = values.getOrDefault(parameter.name(), parameter.defaultValue());
      if (value == null) {
        throw new IllegalArgumentException("query " + name + " needs parameter " + parameter.name()
            + " (" + parameter.type() + ": " + parameter.description() + ")");
      }
      placeholder.appendReplacement(sql, Matcher.quoteReplacement(literal(name, parameter, value, now)));
    }
    placeholder.appendTail(sql);
    return sql.toString();
  }

  /**
   * The SQL of {@link #render(Map, Instant)} narrowed to {@code columns}, in that order.
   *
   * @param columns names of the result's columns; a name the result lacks fails in the store
   *     (UNKNOWN_IDENTIFIER)
   * @throws IllegalArgumentException for no column, a name that is not an identifier, or one named twice
   */
  public String render(Map<String, String> values, Instant now, List<String> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("query " + name + ": name at least one column, or leave columns out for all");
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String column : columns) {
      if (!COLUMN.matcher(column).matches()) {
        throw new IllegalArgumentException("query " + name + ": '" + column + "' is not a column name ([a-z_][a-z0-9_]*)");
      }
      if (!seen.add(column)) {
        throw new IllegalArgumentException("query " + name + ": column " + column + " is named twice");
      }
    }
    return "SELECT " + String.join(", ", columns) + "\nFROM\n(\n" + render(values, now) + "\n)";
  }

  /**
   * The SQL with each placeholder replaced by the text {@code replacement} gives for its parameter,
   * unchecked: for tools with their own templating (Grafana's macros and variables). A rollup reads
   * the records' tier, which answers any range (such a tool's ranges end anywhere).
   */
  public String template(java.util.function.Function<Parameter, String> replacement) {
    Matcher placeholder = PLACEHOLDER.matcher(body);
    StringBuilder sql = new StringBuilder();
    while (placeholder.find()) {
      String text = placeholder.group(2).equals(ROLLUP)
          ? placeholder.group(1) + TIERS.get(TIERS.size() - 1).suffix()
          : replacement.apply(parameters.get(placeholder.group(1)));
      placeholder.appendReplacement(sql, Matcher.quoteReplacement(text));
    }
    placeholder.appendTail(sql);
    return sql.toString();
  }

  /** The coarsest tier whose width divides the range's ends and the bucket width. */
  Tier tier(Map<String, String> values, Instant now) {
    long since = seconds("since", values, now);
    long until = seconds("until", values, now);
    long bucket = 0; // none: any tier's rows fit
    Parameter bucketSeconds = parameters.get("bucket_seconds");
    if (bucketSeconds != null) {
      // As the queries use it: greatest(bucket_seconds, 1).
      bucket = Math.max(1, Long.parseLong(literal(name, bucketSeconds, values.getOrDefault("bucket_seconds",
          bucketSeconds.defaultValue()), now)));
    }
    for (Tier tier : TIERS) {
      if (Math.floorMod(since, tier.seconds()) == 0 && Math.floorMod(until, tier.seconds()) == 0
          && (bucket == 0 || bucket % tier.seconds() == 0)) {
        return tier;
      }
    }
    return TIERS.get(TIERS.size() - 1);
  }

  private long seconds(String range, Map<String, String> values, Instant now) {
    Parameter parameter = parameters.get(range);
    String value = values.getOrDefault(range, parameter.defaultValue());
    if (value == null) {
      throw new IllegalArgumentException("query " + name + " needs parameter " + range + " (" + parameter.type() + ": "
          + parameter.description() + ")");
    }
    literal(name, parameter, value, now); // the same message as any bad time
    return time(value.strip(), now).getEpochSecond();
  }

  private static Type type(String query, String text) {
    try {
      return Type.valueOf(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("query " + query + ": unknown parameter type " + text
          + " (DateTime, String, UInt64 or Float64)", e);
    }
  }

  private static String literal(String query, Parameter parameter, String value, Instant now) {
    String problem;
    switch (parameter.type()) {
      case String -> {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
      }
      case DateTime -> {
        Instant time = time(value.strip(), now);
        if (time != null) {
          return "toDateTime('" + CLICKHOUSE_TIME.format(time) + "', 'UTC')";
        }
        problem = "a time: an ISO-8601 instant (2026-12-06T14:00:00Z), a date (2026-12-06), now, or a duration ago (90s, 15m, 24h, 7d)";
      }
      case UInt64 -> {
        if (value.strip().matches("\\d{1,19}")) {
          return value.strip();
        }
        problem = "a whole number of at least 0";
      }
      case Float64 -> {
        try {
          double number = Double.parseDouble(value.strip());
          if (Double.isFinite(number)) {
            return Double.toString(number);
          }
        } catch (NumberFormatException e) {
          // the message below says what is expected
        }
        problem = "a number";
      }
      default -> throw new IllegalStateException(parameter.type().name());
    }
    throw new IllegalArgumentException("query " + query + ": parameter " + parameter.name() + " is '" + value
        + "', expected " + problem);
  }

  /**
   * The instant a time parameter names, or null when the text is none of the accepted forms: what
   * a query does with its DateTime parameters, and what a report uses to fix its range once.
   */
  public static Instant time(String text, Instant now) {
    if (text.equalsIgnoreCase("now")) {
      return now;
    }
    Matcher ago = AGO.matcher(text.toLowerCase(Locale.ROOT));
    if (ago.matches()) {
      long amount = Long.parseLong(ago.group(1));
      Duration unit = switch (ago.group(2)) {
        case "s" -> Duration.ofSeconds(1);
        case "m" -> Duration.ofMinutes(1);
        case "h" -> Duration.ofHours(1);
        default -> Duration.ofDays(1);
      };
      return now.minus(unit.multipliedBy(amount));
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notAnInstant) {
      try {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }
}
