package io.agentwatch.testing;

import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.StoreException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills every table of a migrated store with random rows of its own column types (ClickHouse's
 * generateRandom), times within the last week, so queries run over data whatever columns the
 * migrations add later.
 */
public final class RandomRows {

  private static final java.util.regex.Pattern AGGREGATE_STATE =
      java.util.regex.Pattern.compile("AggregateFunction\\((\\w+), (.+)\\)");

  private RandomRows() {}

  /** {@code rows} random rows in each MergeTree table of the current database (materialized views fed as usual). */
  public static void fill(ClickHouseStore store, int rows) throws StoreException {
    String tables = store.query("SELECT name FROM system.tables WHERE database = currentDatabase()"
        + " AND engine LIKE '%MergeTree' AND NOT is_temporary AND name NOT LIKE '.inner%' AND name != 'schema_migrations'"
        + " ORDER BY name");
    for (String table : tables.strip().split("\n")) {
      if (table.isBlank()) {
        continue;
      }
      List<String> names = new ArrayList<>();
      List<String> structure = new ArrayList<>();
      List<String> values = new ArrayList<>();
      String columns = store.query("SELECT name, type FROM system.columns WHERE database = currentDatabase()"
          + " AND table = '" + table + "' AND default_kind IN ('', 'DEFAULT') ORDER BY position FORMAT TSVRaw");
      for (String line : columns.strip().split("\n")) {
        String[] nameAndType = line.split("\t", 2);
        String name = "`" + nameAndType[0] + "`";
        String type = nameAndType[1];
        names.add(name);
        // An aggregate state (AggregateFunction(f, T)), which generateRandom cannot make: the state of one random T.
        java.util.regex.Matcher state = AGGREGATE_STATE.matcher(type);
        if (state.matches()) {
          structure.add(name + " " + state.group(2));
          values.add("arrayReduce('" + state.group(1) + "State', [" + name + "])");
          continue;
        }
        structure.add(name + " " + type);
        // Random times span centuries (too many partitions, all past their TTL): the last week instead.
        values.add(type.contains("Date") ? "CAST(now() - rand() % 604800 AS " + type + ")" : name);
      }
      store.execute("INSERT INTO `" + table + "` (" + String.join(", ", names) + ") SELECT " + String.join(", ", values)
          + " FROM generateRandom('" + String.join(", ", structure).replace("\\", "\\\\").replace("'", "\\'")
          + "', 7, 12, 3) LIMIT " + rows);
    }
  }
}
