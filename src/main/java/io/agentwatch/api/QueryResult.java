package io.agentwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.NamedQuery;
import io.agentwatch.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The rows of one named query, typed: numbers as numbers, times as instants (ISO-8601 UTC in
 * JSON), arrays as arrays. The same value travels from the store through the HTTP API to the
 * command line's formats, so they agree.
 */
public record QueryResult(List<Column> columns, List<List<Object>> rows) {

  /** A column of the result, with its ClickHouse type. */
  public record Column(String name, String type) {

    /** Byte counts, shown as kB/MB/GB to people: bytes_up, bytes_down, max_upload, ... */
    public boolean isBytes() {
      return name.matches("(.*_)?bytes(_.*)?") || name.endsWith("_upload");
    }

    public boolean isTime() {
      return type.startsWith("DateTime");
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter CLICKHOUSE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss[.SSSSSS][.SSS]");

  /** Runs a named query on the store. */
  public static QueryResult run(ClickHouseStore store, NamedQuery query, Map<String, String> parameters, Instant now)
      throws StoreException {
    return run(store, query.render(parameters, now));
  }

  /** Runs the SQL a named query rendered ({@link NamedQuery#render}) on the store. */
  public static QueryResult run(ClickHouseStore store, String renderedSql) throws StoreException {
    return fromJsonCompact(store.query(renderedSql + "\nFORMAT JSONCompact"));
  }

  /** Reads ClickHouse's JSONCompact output (meta: names and types; data: one array per row). */
  static QueryResult fromJsonCompact(String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable query result", e);
    }
    List<Column> columns = new ArrayList<>();
    for (JsonNode column : root.path("meta")) {
      columns.add(new Column(column.path("name").asText(), column.path("type").asText()));
    }
    List<List<Object>> rows = new ArrayList<>();
    for (JsonNode row : root.path("data")) {
      List<Object> values = new ArrayList<>(columns.size());
      for (int i = 0; i < columns.size(); i++) {
        values.add(value(columns.get(i).type(), row.get(i)));
      }
      rows.add(values);
    }
    return new QueryResult(List.copyOf(columns), rows);
  }

  /** The rows as JSON objects, every column by name: what the API answers. */
  public ArrayNode toJson() {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (List<Object> row : rows) {
      ObjectNode object = array.addObject();
      for (int i = 0; i < columns.size(); i++) {
        object.set(columns.get(i).name(), JSON.valueToTree(jsonValue(row.get(i))));
      }
    }
    return array;
  }

  /** What the API answers ({"columns": [...], "rows": [...]}), read back. */
  public static QueryResult fromApi(JsonNode body) {
    List<Column> columns = new ArrayList<>();
    for (JsonNode column : body.path("columns")) {
      columns.add(new Column(column.path("name").asText(), column.path("type").asText()));
    }
    JsonNode array = body.path("rows");
    List<List<Object>> rows = new ArrayList<>();
    for (JsonNode object : array) {
      List<Object> values = new ArrayList<>(columns.size());
      for (Column column : columns) {
        JsonNode node = object.get(column.name());
        values.add(column.isTime() && node != null && node.isTextual() ? Instant.parse(node.asText()) : value(column.type(), node));
      }
      rows.add(values);
    }
    return new QueryResult(List.copyOf(columns), rows);
  }

  /** Only the named columns, in that order: a narrower view for a table. */
  public QueryResult select(String... names) {
    List<Column> chosen = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    for (String name : names) {
      for (int i = 0; i < columns.size(); i++) {
        if (columns.get(i).name().equals(name)) {
          chosen.add(columns.get(i));
          indexes.add(i);
        }
      }
    }
    List<List<Object>> narrowed = new ArrayList<>();
    for (List<Object> row : rows) {
      List<Object> values = new ArrayList<>();
      indexes.forEach(index -> values.add(row.get(index)));
      narrowed.add(values);
    }
    return new QueryResult(List.copyOf(chosen), narrowed);
  }

  /** The columns as JSON, for the API's description of a result. */
  public ArrayNode columnsJson() {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    columns.forEach(column -> array.addObject().put("name", column.name()).put("type", column.type()));
    return array;
  }

  static Object jsonValue(Object value) {
    return value instanceof Instant instant ? instant.toString() : value;
  }

  private static Object value(String type, JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    String base = type.replaceFirst("^(LowCardinality|Nullable)\\((.*)\\)$", "$2");
    if (base.startsWith("Array(") && node.isArray()) {
      String element = base.substring("Array(".length(), base.length() - 1);
      List<Object> values = new ArrayList<>();
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        values.add(value(element, it.next()));
      }
      return values;
    }
    if (base.startsWith("Tuple(") || base.startsWith("Map(")) {
      // Named tuples come as objects (the alerts' vendor_breakdown): kept as maps and lists.
      return JSON.convertValue(node, Object.class);
    }
    if (base.startsWith("DateTime")) {
      return LocalDateTime.parse(node.asText(), CLICKHOUSE_TIME).toInstant(ZoneOffset.UTC);
    }
    if (base.matches("U?Int(8|16|32|64|128|256)")) {
      // ClickHouse quotes 64-bit integers in JSON (JavaScript would round them).
      BigInteger number = new BigInteger(node.asText());
      return number.bitLength() < 64 ? (Object) number.longValue() : number;
    }
    if (base.startsWith("Float") || base.startsWith("Decimal")) {
      return node.isNumber() ? node.doubleValue() : Double.parseDouble(node.asText());
    }
    return node.asText();
  }
}
