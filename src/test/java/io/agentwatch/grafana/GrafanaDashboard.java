package io.agentwatch.grafana;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.store.NamedQueries;
import io.agentwatch.store.NamedQuery;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes deploy/grafana/dashboards/agentwatch.json from the named queries: each panel's SQL is a
 * named query with its parameters turned into the ClickHouse data source's macros and the
 * dashboard's variables, so the SQL lives in sql/queries only. {@code GrafanaDashboardTest} holds
 * the committed file to what this writes.
 *
 * <p>Parameters become: {@code since} {@code $__fromTime}, {@code until} {@code $__toTime},
 * {@code bucket_seconds} {@code $__interval_s}, {@code host}/{@code team}/{@code vendor}
 * {@code ${NAME:sqlstring}} (the variable, quoted; "All" is {@code ''}), any other its default.
 */
final class GrafanaDashboard {

  static final String FILE = "deploy/grafana/dashboards/agentwatch.json";
  static final String DATASOURCE_TYPE = "grafana-clickhouse-datasource";
  static final String DATASOURCE_UID = "agentwatch";
  static final List<String> VARIABLES = List.of("vendor", "team", "host");

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** One panel: a title, Grafana's panel type, the plugin's query format, a named query and what the panel selects from it. */
  private record Panel(String title, String type, int width, int height, String query, String select) {}

  private static final List<Panel> PANELS = List.of(
      new Panel("Fleet totals", "stat", 24, 4, "fleet_totals", "SELECT * FROM (%s)"),
      new Panel("Upload to AI vendors", "timeseries", 12, 9, "fleet_overview", "SELECT time, vendor, bytes_up FROM (%s) ORDER BY time"),
      new Panel("Download from AI vendors", "timeseries", 12, 9, "fleet_overview", "SELECT time, vendor, bytes_down FROM (%s) ORDER BY time"),
      new Panel("Top uploading hosts", "table", 12, 10, "top_hosts", "%s"),
      new Panel("Top teams", "table", 12, 10, "top_teams", "%s"),
      new Panel("AI share of each host's upload", "table", 12, 10, "host_ai_upload_share", "%s"),
      new Panel("Alerts over time", "timeseries", 12, 10, "alert_timeline", "SELECT time, detector, alerts FROM (%s) ORDER BY time"),
      new Panel("Alerts", "table", 24, 10, "alerts", "%s"),
      new Panel("Incidents", "table", 24, 10, "incidents", "%s"));

  private GrafanaDashboard() {}

  /** A variable's list: no filter (a variable's list depending on the others would be a cycle), up to 1000 entries. */
  private static final Map<String, String> VARIABLE_LIST = Map.of("vendor", "''", "team", "''", "host", "''", "limit", "1000");

  /** The SQL of {@code query} with its parameters as macros and variables, but those {@code fixed} gives. */
  static String sql(String query, Map<String, String> fixed) {
    NamedQuery named = NamedQueries.get(query);
    return named.template(parameter -> fixed.containsKey(parameter.name()) ? fixed.get(parameter.name())
        : switch (parameter.name()) {
          case "since" -> "$__fromTime";
          case "until" -> "$__toTime";
          case "bucket_seconds" -> "$__interval_s";
          default -> VARIABLES.contains(parameter.name()) ? "${" + parameter.name() + ":sqlstring}"
              : defaultLiteral(query, parameter);
        });
  }

  private static String defaultLiteral(String query, NamedQuery.Parameter parameter) {
    if (parameter.defaultValue() == null) {
      throw new IllegalArgumentException("query " + query + " needs " + parameter.name() + ": no dashboard panel can give it");
    }
    return switch (parameter.type()) {
      case String -> "'" + parameter.defaultValue().replace("\\", "\\\\").replace("'", "\\'") + "'";
      case UInt64, Float64 -> parameter.defaultValue();
      case DateTime -> throw new IllegalArgumentException("query " + query + ": time parameter " + parameter.name() + " has no macro");
    };
  }

  static String write() throws Exception {
    ObjectNode dashboard = JSON.objectNode();
    dashboard.put("uid", "agentwatch-fleet");
    dashboard.put("title", "AgentWatch: AI vendors across the fleet");
    dashboard.put("description", "Generated from sql/queries by GrafanaDashboard (src/test); edit the named queries, not this file.");
    dashboard.put("schemaVersion", 39);
    dashboard.put("refresh", "1m");
    dashboard.set("tags", JSON.arrayNode().add("agentwatch"));
    dashboard.set("time", JSON.objectNode().put("from", "now-24h").put("to", "now"));
    dashboard.set("templating", JSON.objectNode().set("list", variables()));
    ArrayNode panels = dashboard.putArray("panels");
    int x = 0;
    int y = 0;
    int rowHeight = 0;
    int id = 1;
    for (Panel panel : PANELS) {
      if (x + panel.width() > 24) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      ObjectNode node = panels.addObject();
      node.put("id", id++);
      node.put("title", panel.title());
      node.put("type", panel.type());
      node.set("datasource", datasource());
      node.set("gridPos", JSON.objectNode().put("x", x).put("y", y).put("w", panel.width()).put("h", panel.height()));
      node.set("fieldConfig", JSON.objectNode().set("defaults", JSON.objectNode().put("unit",
          Set.of("fleet_overview", "top_hosts", "top_teams", "fleet_totals").contains(panel.query()) ? "decbytes" : "none")));
      ObjectNode target = node.putArray("targets").addObject();
      target.put("refId", "A");
      target.set("datasource", datasource());
      target.put("editorType", "sql");
      target.put("queryType", panel.type().equals("timeseries") ? "timeseries" : "table");
      target.put("format", panel.type().equals("timeseries") ? 0 : 1); // the plugin's Format: 0 time series, 1 table
      target.put("rawSql", panel.select().formatted(sql(panel.query(), Map.of())));
      x += panel.width();
      rowHeight = Math.max(rowHeight, panel.height());
    }
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(dashboard) + "\n";
  }

  /** host, team and vendor: lists from the named queries over the dashboard's range, "All" meaning ''. */
  private static ArrayNode variables() {
    ArrayNode list = JSON.arrayNode();
    for (String name : VARIABLES) {
      String query = "top_" + name + "s";
      ObjectNode variable = list.addObject();
      variable.put("name", name);
      variable.put("label", name);
      variable.put("type", "query");
      variable.set("datasource", datasource());
      variable.put("query", "SELECT " + name + " FROM (" + sql(query, VARIABLE_LIST) + ")");
      variable.put("refresh", 2); // on time range change
      variable.put("includeAll", true);
      variable.put("allValue", "''"); // inserted as it is: the named queries read '' as every value
      variable.set("current", JSON.objectNode().put("text", "All").put("value", "$__all"));
      variable.put("sort", 1);
    }
    return list;
  }

  private static ObjectNode datasource() {
    return JSON.objectNode().put("type", DATASOURCE_TYPE).put("uid", DATASOURCE_UID);
  }
}
