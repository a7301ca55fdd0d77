package io.agentwatch.backtest;

import io.agentwatch.api.QueryResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A query result's values by column name, for reading rows into records. */
final class Columns {

  private final String query;
  private final Map<String, Integer> indexes = new HashMap<>();

  Columns(String query, QueryResult result) {
    this.query = query;
    for (int i = 0; i < result.columns().size(); i++) {
      indexes.put(result.columns().get(i).name(), i);
    }
  }

  Object value(List<Object> row, String column) {
    Integer index = indexes.get(column);
    if (index == null) {
      throw new IllegalStateException(query + " has no column " + column + "; its columns: " + indexes.keySet());
    }
    return row.get(index);
  }

  String text(List<Object> row, String column) {
    Object value = value(row, column);
    return value == null ? "" : value.toString();
  }

  long number(List<Object> row, String column) {
    Object value = value(row, column);
    return value == null ? 0 : ((Number) value).longValue();
  }
}
