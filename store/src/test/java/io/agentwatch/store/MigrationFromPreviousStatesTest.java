package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade never loses data, whichever release a store was left at (Akvorado's
 * TestMigrationFromPreviousStates): for each bundled migration k, a store with migrations 1..k
 * applied and rows in every table it then has is migrated to the latest; every row is still there
 * with the values it had, and the tables and columns are exactly a fresh store's.
 *
 * <p>The rows are derived from the store's own columns (system.columns), so a new migration needs
 * no change here. Tables a later migration drops on purpose are only checked to be gone; tables it
 * empties and fills again from others (063) to hold what those hold. Views are
 * not filled (a materialized view's table is, and gets rows from its source too).
 */
class MigrationFromPreviousStatesTest {

  private static final int ROWS_PER_TABLE = 3;
  /** Tables 063 empties and fills again from flow_totals_1h/_1d (their merged rows had lost bytes). */
  private static final List<String> REBUILT_BY_063 = List.of("host_rollup_1h", "host_rollup_1d");
  private static final Pattern AGGREGATE_STATE = Pattern.compile("AggregateFunction\\((\\w+), (.+)\\)");

  @TempDir Path dir;

  @TestFactory
  Stream<DynamicTest> aStoreLeftAtAnyEarlierMigrationKeepsItsRowsAndEndsWithTheLatestSchema() throws Exception {
    List<Migration> all = Migrations.load(Migrations.class.getClassLoader(), Migrations.RESOURCE_FOLDER);
    String latestColumns;
    String latestTables;
    try (EmbeddedChdbStore fresh = EmbeddedChdbStore.open(dir.resolve("fresh"))) {
      new Migrations(fresh, all).apply();
      latestColumns = columns(fresh);
      latestTables = tables(fresh);
    }
    return all.subList(0, all.size() - 1).stream().map(last -> DynamicTest.dynamicTest(
        "from " + last.name(), () -> upgradeFrom(all, last, latestColumns, latestTables)));
  }

  private void upgradeFrom(List<Migration> all, Migration last, String latestColumns, String latestTables) throws Exception {
    List<Migration> earlier = all.stream().filter(m -> m.version() <= last.version()).toList();
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dir.resolve("at-" + last.version()))) {
      new Migrations(store, earlier).apply();
      Map<String, List<String>> before = new LinkedHashMap<>();
      Map<String, String> rowsBefore = new LinkedHashMap<>();
      for (String table : userTables(store)) {
        before.put(table, insertRepresentativeRows(store, table));
      }
      // After every insert: a materialized view adds rows to its table when its source gets some.
      for (Map.Entry<String, List<String>> table : before.entrySet()) {
        rowsBefore.put(table.getKey(), rows(store, table.getKey(), table.getValue()));
      }

      List<Migration> applied = new Migrations(store, all).apply();
      assertEquals(all.size() - earlier.size(), applied.size(), "every later migration applied");

      List<String> after = userTables(store);
      for (Map.Entry<String, List<String>> table : before.entrySet()) {
        if (!after.contains(table.getKey())) {
          assertFalse(latestTables.contains(table.getKey() + "\t"), table.getKey() + " vanished but a fresh store has it");
          continue;
        }
        if (REBUILT_BY_063.contains(table.getKey()) && last.version() < 63) {
          // Emptied and filled again from flow_totals by 063: it holds what its source holds.
          String sums = "SELECT window_start, host, host_team, sum(bytes_up), sum(bytes_down), sum(flows) FROM %s%s"
              + " GROUP BY ALL ORDER BY ALL FORMAT TabSeparated";
          assertEquals(store.query(String.format(sums, table.getKey().replace("host_rollup", "flow_totals"), " WHERE vendor != ''")),
              store.query(String.format(sums, table.getKey(), "")), "rows of " + table.getKey() + " after upgrading from " + last.name());
          continue;
        }
        List<String> kept = new ArrayList<>(table.getValue());
        kept.retainAll(columnNames(store, table.getKey()));
        assertEquals(project(rowsBefore.get(table.getKey()), table.getValue(), kept), rows(store, table.getKey(), kept),
            "rows of " + table.getKey() + " after upgrading from " + last.name());
      }
      assertEquals(latestTables, tables(store), "tables after upgrading from " + last.name());
      assertEquals(latestColumns, columns(store), "columns after upgrading from " + last.name());
    }
  }

  /**
   * Inserts {@link #ROWS_PER_TABLE} rows of generated values (generateRandom over the table's own
   * column types) into every column that takes a value; time columns get the present, so that no
   * TTL expires them and they fall in few partitions. Returns the columns written.
   */
  private static List<String> insertRepresentativeRows(ClickHouseStore store, String table) throws StoreException {
    List<String> names = new ArrayList<>();
    List<String> structure = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (String line : lines(store.query("SELECT name, type FROM system.columns WHERE database = currentDatabase()"
        + " AND table = '" + table + "' AND default_kind NOT IN ('MATERIALIZED', 'ALIAS', 'EPHEMERAL') ORDER BY position FORMAT TSVRaw"))) {
      String[] column = line.split("\t");
      String name = column[0];
      String type = plainType(column[1]);
      names.add(name);
      Matcher state = AGGREGATE_STATE.matcher(type);
      if (state.matches()) {
        // generateRandom makes no aggregate state (AggregateFunction(f, T)): the state of one generated T.
        structure.add("`" + name + "` " + state.group(2));
        values.add("arrayReduce('" + state.group(1) + "State', [`" + name + "`])");
        continue;
      }
      structure.add("`" + name + "` " + type);
      values.add(type.contains("DateTime") ? "CAST(now() AS " + type + ")" : "`" + name + "`");
    }
    long count = Long.parseLong(store.query("SELECT count() FROM `" + table + "`").strip());
    store.execute("INSERT INTO `" + table + "` (" + String.join(", ", names.stream().map(n -> "`" + n + "`").toList())
        + ") SELECT " + String.join(", ", values) + " FROM generateRandom('" + String.join(", ", structure).replace("'", "\\'")
        + "', " + Integer.toUnsignedLong(table.hashCode()) + ", 12, 3) LIMIT " + ROWS_PER_TABLE);
    assertEquals((count + ROWS_PER_TABLE) + "\n", store.query("SELECT count() FROM `" + table + "`"), "rows inserted into " + table);
    return names;
  }

  /** The value type generateRandom can produce: SimpleAggregateFunction(f, T) stores plain T values. */
  private static String plainType(String type) {
    if (type.startsWith("SimpleAggregateFunction(")) {
      return type.substring(type.indexOf(',') + 1, type.length() - 1).strip();
    }
    return type;
  }

  /**
   * The rows as text, in a fixed order (their lines sorted: an aggregate state cannot be in an ORDER BY),
   * without merging (a merge must not have changed them either).
   */
  private static String rows(ClickHouseStore store, String table, List<String> columns) throws StoreException {
    String list = String.join(", ", columns.stream().map(c -> "`" + c + "`").toList());
    return lines(store.query("SELECT " + list + " FROM `" + table + "` FORMAT TabSeparated")).stream().sorted()
        .map(line -> line + "\n").collect(java.util.stream.Collectors.joining());
  }

  /** Keeps only {@code kept} of each TabSeparated line of {@code rows} written with {@code columns}. */
  private static String project(String rows, List<String> columns, List<String> kept) {
    StringBuilder out = new StringBuilder();
    for (String line : lines(rows)) {
      String[] fields = line.split("\t", -1);
      List<String> values = new ArrayList<>();
      for (String column : kept) {
        values.add(fields[columns.indexOf(column)]);
      }
      out.append(String.join("\t", values)).append('\n');
    }
    return out.toString();
  }

  /** The tables that hold rows (views only show or feed them). */
  private static List<String> userTables(ClickHouseStore store) throws StoreException {
    return lines(store.query("SELECT name FROM system.tables WHERE database = currentDatabase()"
        + " AND name != 'schema_migrations' AND engine NOT IN ('View', 'MaterializedView') ORDER BY name"));
  }

  private static List<String> columnNames(ClickHouseStore store, String table) throws StoreException {
    return lines(store.query("SELECT name FROM system.columns WHERE database = currentDatabase() AND table = '" + table + "'"));
  }

  private static String tables(ClickHouseStore store) throws StoreException {
    return store.query("SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() ORDER BY name");
  }

  private static String columns(ClickHouseStore store) throws StoreException {
    return store.query("SELECT table, name, type, default_kind, default_expression, compression_codec, is_in_sorting_key"
        + " FROM system.columns WHERE database = currentDatabase() ORDER BY table, position");
  }

  private static List<String> lines(String text) {
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }
}
