package io.agentwatch.grafana;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Grafana and its ClickHouse data source (grafana-clickhouse-datasource, v4) do to a panel's
 * SQL before the server sees it, for the macros and variable forms the AgentWatch dashboard uses.
 * Order as in Grafana: the dashboard's variables first (the front end's applyTemplateVariables),
 * then the plugin's macros (its Go back end, pkg/macros/macros.go; the examples in its docs
 * "ClickHouse query editor: macros"):
 * <ul>
 *   <li>{@code ${NAME:sqlstring}}: the value quoted, each {@code '} doubled (Grafana's sqlstring
 *       format); for "All" the variable's custom all value, inserted as it is.
 *   <li>{@code ${NAME}}, {@code $NAME}: the value as it is.
 *   <li>{@code $__timeFilter(col)}: {@code col >= toDateTime(FROM) AND col <= toDateTime(TO)}, seconds.
 *   <li>{@code $__fromTime}, {@code $__toTime}: {@code toDateTime(FROM)}, {@code toDateTime(TO)}.
 *   <li>{@code $__interval_s}: the panel's interval in seconds.
 *   <li>{@code $__timeInterval(col)}: {@code toStartOfInterval(toDateTime(col), INTERVAL N second)}.
 * </ul>
 * Anything else starting {@code $__} is refused, so a macro this does not know fails the test
 * instead of passing unexpanded.
 */
final class GrafanaMacros {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::(\\w+))?}|\\$(?!__)(\\w+)");
  private static final Pattern TIME_FILTER = Pattern.compile("\\$__timeFilter\\(([^)]*)\\)");
  private static final Pattern TIME_INTERVAL = Pattern.compile("\\$__timeInterval\\(([^)]*)\\)");

  private GrafanaMacros() {}

  /**
   * @param values each variable's value; a missing one means "All"
   * @param allValues each variable's custom all value
   */
  static String expand(String sql, Instant from, Instant to, long intervalSeconds, Map<String, String> values,
      Map<String, String> allValues) {
    Matcher variable = VARIABLE.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (variable.find()) {
      String name = variable.group(1) != null ? variable.group(1) : variable.group(3);
      if (!allValues.containsKey(name)) {
        throw new IllegalArgumentException("no dashboard variable " + name + " for " + variable.group());
      }
      String value = values.get(name);
      String text;
      if (value == null) {
        text = allValues.get(name);
      } else if ("sqlstring".equals(variable.group(2))) {
        text = "'" + value.replace("'", "''") + "'";
      } else if (variable.group(2) == null) {
        text = value;
      } else {
        throw new IllegalArgumentException("variable format " + variable.group(2) + " is not expanded here: " + variable.group());
      }
      variable.appendReplacement(out, Matcher.quoteReplacement(text));
    }
    variable.appendTail(out);
    long fromSeconds = from.getEpochSecond();
    long toSeconds = to.getEpochSecond();
    String expanded = TIME_FILTER.matcher(out.toString()).replaceAll(match -> Matcher.quoteReplacement(
        match.group(1).strip() + " >= toDateTime(" + fromSeconds + ") AND " + match.group(1).strip() + " <= toDateTime(" + toSeconds + ")"));
    expanded = TIME_INTERVAL.matcher(expanded).replaceAll(match -> Matcher.quoteReplacement(
        "toStartOfInterval(toDateTime(" + match.group(1).strip() + "), INTERVAL " + intervalSeconds + " second)"));
    expanded = expanded.replaceAll("\\$__fromTime\\b", "toDateTime(" + fromSeconds + ")")
        .replaceAll("\\$__toTime\\b", "toDateTime(" + toSeconds + ")")
        .replaceAll("\\$__interval_s\\b", Long.toString(intervalSeconds));
    int unknown = expanded.indexOf("$__");
    if (unknown >= 0) {
      throw new IllegalArgumentException("macro not expanded here: " + expanded.substring(unknown, Math.min(expanded.length(), unknown + 30)));
    }
    return expanded;
  }
}
