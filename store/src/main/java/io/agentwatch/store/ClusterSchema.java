package io.agentwatch.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The migrations of sql/migrations rendered for a ClickHouse cluster: the same files, one source
 * of truth, turned statement by statement into their cluster form.
 *
 * <ul>
 *   <li>{@code CREATE TABLE t (...) ENGINE = XMergeTree(args) ...} becomes a local table
 *       {@code t_local ON CLUSTER c} with {@code ReplicatedXMergeTree('/clickhouse/tables/{shard}/{database}/{table}',
 *       '{replica}', args)} on every replica of every shard, and {@code t ON CLUSTER c AS t_local}
 *       with {@code ENGINE = Distributed(c, database, t_local, key)} over them. The Distributed
 *       table keeps the name, so the job, the console and the named queries read and write
 *       {@code t} on a cluster as on one server. The sharding key is {@code cityHash64(host)}
 *       where the table has a host column (a host's rows stay on one shard: its
 *       ReplacingMergeTree rows replace each other and FINAL stays per shard), else
 *       {@code cityHash64} of the sorting key. Deterministic either way: a batch
 *       re-sent with its deduplication token splits into the same per-shard blocks, which the
 *       shards recognise.</li>
 *   <li>{@code non_replicated_deduplication_window} becomes {@code replicated_deduplication_window}
 *       (the same role for Replicated tables: how many recent insert tokens each table
 *       remembers, in Keeper, so any replica drops a re-sent block).</li>
 *   <li>{@code CREATE MATERIALIZED VIEW v TO t AS SELECT ... FROM s} becomes a view of
 *       {@code s_local} (aliased {@code s}, so {@code s.column} still resolves; every {@code FROM s}
 *       of the view, a subquery's too) into {@code t_local}, on every node: each shard rolls up the
 *       rows it stores. Other tables the view reads stay the Distributed ones.</li>
 *   <li>{@code CREATE VIEW} gets {@code ON CLUSTER}; it reads the Distributed tables.</li>
 *   <li>{@code ALTER TABLE t ...} runs on {@code t_local ON CLUSTER c}; its column commands run on
 *       the Distributed {@code t} too, so both keep the same columns.</li>
 *   <li>{@code DROP TABLE t} drops {@code t} and {@code t_local} on the cluster ({@code SYNC}, so
 *       their Keeper paths are gone before a later migration might reuse the name).</li>
 *   <li>{@code TRUNCATE TABLE t} empties {@code t_local} on the cluster: a Distributed table holds
 *       no rows of its own.</li>
 *   <li>{@code INSERT INTO t SELECT ...} (a new rollup filled from what is stored) runs once,
 *       from the node that migrates, through the Distributed tables: it reads every shard and
 *       writes each row to its shard, waiting for them ({@code distributed_foreground_insert}).</li>
 * </ul>
 *
 * The same rules give the cluster form of a statement the application runs on those tables
 * outside the migrations ({@link #statement}: a TTL change, a table refilled).
 *
 * Any other statement is refused with its migration's name: a migration in a new form must teach
 * this renderer that form (ClusterSchemaTest renders every bundled migration).
 *
 * @param cluster the cluster's name in the servers' remote_servers (the Altinity operator: the
 *     ClickHouseInstallation's cluster name)
 * @param database the database holding the tables, as the Distributed tables name it
 */
public record ClusterSchema(String cluster, String database) {

  /** What a local table's name ends with; the Distributed table over it has the plain name. */
  public static final String LOCAL_SUFFIX = "_local";

  /** Keeper path of a sharded local table: one replica group per shard. */
  static final String SHARDED_PATH = "/clickhouse/tables/{shard}/{database}/{table}";

  /**
   * Keeper path of the migration history: one replica group across the whole cluster, so every
   * node sees what was applied. Replica names are unique per shard only, hence shard and replica.
   */
  static final String CLUSTER_WIDE_PATH = "/clickhouse/tables/all/{database}/{table}";

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern CREATE_TABLE = Pattern.compile(
      "CREATE TABLE (IF NOT EXISTS )?(\\w+)\\s*(.*)", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern CREATE_AS = Pattern.compile("AS (\\w+)\\s+(ENGINE.*)", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern ENGINE = Pattern.compile("ENGINE\\s*=\\s*(\\w*MergeTree)\\s*", Pattern.CASE_INSENSITIVE);
  private static final Pattern ORDER_BY = Pattern.compile("ORDER BY\\s*", Pattern.CASE_INSENSITIVE);
  private static final Pattern CREATE_MATERIALIZED_VIEW = Pattern.compile(
      "CREATE MATERIALIZED VIEW (IF NOT EXISTS )?(\\w+) TO (\\w+) AS\\s+(.*)", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern FIRST_FROM = Pattern.compile("\\bFROM\\s+(\\w+)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern CREATE_VIEW = Pattern.compile(
      "CREATE VIEW (IF NOT EXISTS )?(\\w+)\\s+(AS\\s.*)", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern ALTER_TABLE = Pattern.compile("ALTER TABLE (\\w+)\\s+(.*)", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern COLUMN_COMMAND = Pattern.compile(
      "(ADD|DROP|MODIFY|RENAME|COMMENT) COLUMN\\b.*", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern TRUNCATE_TABLE = Pattern.compile("TRUNCATE TABLE (IF EXISTS )?(\\w+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern DROP_TABLE = Pattern.compile("DROP TABLE (IF EXISTS )?(\\w+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern INSERT_SELECT = Pattern.compile("INSERT INTO (\\w+)\\s+SELECT\\s.*", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern DEDUPLICATION_WINDOW = Pattern.compile("\\bnon_replicated_deduplication_window\\b");

  public ClusterSchema {
    requirePlainName("cluster", cluster);
    requirePlainName("database", database);
  }

  private static void requirePlainName(String what, String name) {
    if (name == null || !IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " name '" + name + "' must be a plain name ([A-Za-z_][A-Za-z0-9_]*)");
    }
  }

  /** One migration and its statements for the cluster, in the order they run. */
  public record Rendered(Migration migration, List<String> statements) {}

  /**
   * Every migration's statements for the cluster, in version order. All of them, from the first:
   * a statement's form depends on what the earlier ones created (which names are tables, their
   * columns).
   */
  public List<Rendered> render(List<Migration> migrations) {
    return render(migrations, new Renderer());
  }

  /**
   * {@code sql}, a statement on the tables the bundled migrations create, in its cluster form: an
   * {@code ALTER TABLE} or {@code TRUNCATE TABLE} the application runs (Retention, VendorRows) goes
   * where the migrations' would. Reads and inserts need none: they use the Distributed tables,
   * which keep the names.
   */
  public List<String> statement(String sql) {
    Renderer renderer = new Renderer();
    render(Migrations.bundledFiles(), renderer);
    return renderer.statement(withoutComments(sql));
  }

  /** {@code sql} as {@code store} runs it: as written on one server, in its {@link #statement cluster form} on a cluster. */
  static List<String> statementFor(ClickHouseStore store, String sql) {
    ClusterSchema cluster = store.clusterSchema();
    return cluster == null ? List.of(sql) : cluster.statement(sql);
  }

  private List<Rendered> render(List<Migration> migrations, Renderer renderer) {
    List<Migration> sorted = new ArrayList<>(migrations);
    sorted.sort(Comparator.comparingInt(Migration::version));
    List<Rendered> rendered = new ArrayList<>();
    for (Migration migration : sorted) {
      List<String> statements = new ArrayList<>();
      for (String statement : migration.statements()) {
        try {
          statements.addAll(renderer.statement(withoutComments(statement)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("migration " + migration.name() + ": " + e.getMessage(), e);
        }
      }
      rendered.add(new Rendered(migration, List.copyOf(statements)));
    }
    return rendered;
  }

  /**
   * A single-server {@code CREATE TABLE ... ENGINE = MergeTree} as one table replicated to every
   * node of the cluster (no shards, no Distributed table): for the migration history, which
   * whichever node a later run connects to must see whole.
   */
  public String clusterWide(String createTable) {
    Matcher create = CREATE_TABLE.matcher(createTable.strip());
    if (!create.matches()) {
      throw new IllegalArgumentException("not a CREATE TABLE: " + createTable);
    }
    String table = create.group(2);
    return "CREATE TABLE IF NOT EXISTS " + table + onCluster() + " "
        + replicated(create.group(3), CLUSTER_WIDE_PATH, "{shard}-{replica}", table);
  }

  /** The migrations for the cluster as one SQL script, each under a comment naming its file. */
  public String script(List<Migration> migrations) {
    StringBuilder out = new StringBuilder();
    out.append("-- AgentWatch schema for cluster ").append(cluster).append(", database ").append(database)
        .append(" (rendered from sql/migrations by agentwatch migrate --cluster ").append(cluster).append(" --print)\n");
    for (Rendered rendered : render(migrations)) {
      out.append("\n-- ").append(rendered.migration().name()).append('\n');
      for (String statement : rendered.statements()) {
        out.append(statement).append(";\n");
      }
    }
    return out.toString();
  }

  private String onCluster() {
    return " ON CLUSTER " + cluster;
  }

  /** The rest of a CREATE TABLE after its name, with its MergeTree engine made Replicated. */
  private static String replicated(String rest, String path, String replica, String table) {
    Matcher engine = ENGINE.matcher(rest);
    if (!engine.find()) {
      throw new IllegalArgumentException("table " + table + ": only *MergeTree engines can be replicated, in: " + rest);
    }
    String arguments = "";
    int afterEngine = engine.end();
    if (afterEngine < rest.length() && rest.charAt(afterEngine) == '(') {
      int close = closingParenthesis(rest, afterEngine);
      arguments = rest.substring(afterEngine + 1, close).strip();
      afterEngine = close + 1;
    }
    String replicatedArguments = "'" + path + "', '" + replica + "'" + (arguments.isEmpty() ? "" : ", " + arguments);
    String tail = DEDUPLICATION_WINDOW.matcher(rest.substring(afterEngine)).replaceAll("replicated_deduplication_window");
    return rest.substring(0, engine.start()) + "ENGINE = Replicated" + engine.group(1) + "(" + replicatedArguments + ")"
        + (tail.isBlank() ? "" : " " + tail.strip());
  }

  /** What the statements created so far: table name → its columns and sharding key. */
  private final class Renderer {

    private final Map<String, Table> tables = new LinkedHashMap<>();

    private record Table(List<String> columns, String shardingKey) {}

    List<String> statement(String sql) {
      Matcher m;
      if ((m = CREATE_MATERIALIZED_VIEW.matcher(sql)).matches()) {
        return List.of(materializedView(m.group(2), m.group(3), m.group(4)));
      }
      if ((m = CREATE_VIEW.matcher(sql)).matches()) {
        return List.of("CREATE VIEW IF NOT EXISTS " + m.group(2) + onCluster() + " " + m.group(3));
      }
      if ((m = CREATE_TABLE.matcher(sql)).matches()) {
        return table(m.group(2), m.group(3));
      }
      if ((m = ALTER_TABLE.matcher(sql)).matches()) {
        return alter(m.group(1), m.group(2));
      }
      if ((m = TRUNCATE_TABLE.matcher(sql)).matches()) {
        String table = m.group(2);
        known(table, "TRUNCATE TABLE");
        return List.of("TRUNCATE TABLE " + (m.group(1) != null ? "IF EXISTS " : "") + table + LOCAL_SUFFIX + onCluster() + " SYNC");
      }
      if ((m = DROP_TABLE.matcher(sql)).matches() && m.end() == sql.length()) {
        String table = m.group(2);
        if (tables.remove(table) == null) {
          return List.of("DROP TABLE IF EXISTS " + table + onCluster() + " SYNC");
        }
        return List.of("DROP TABLE IF EXISTS " + table + onCluster() + " SYNC",
            "DROP TABLE IF EXISTS " + table + LOCAL_SUFFIX + onCluster() + " SYNC");
      }
      if ((m = INSERT_SELECT.matcher(sql)).matches()) {
        known(m.group(1), "INSERT INTO");
        return List.of(sql + " SETTINGS distributed_foreground_insert = 1");
      }
      throw new IllegalArgumentException("no cluster form for this statement (teach io.agentwatch.store.ClusterSchema): " + sql);
    }

    private List<String> table(String table, String rest) {
      List<String> columns;
      String localRest;
      Matcher as = CREATE_AS.matcher(rest);
      if (as.matches()) {
        Table source = known(as.group(1), "CREATE TABLE " + table + " AS");
        columns = source.columns();
        localRest = "AS " + as.group(1) + LOCAL_SUFFIX + " " + as.group(2);
      } else if (rest.startsWith("(")) {
        columns = columnNames(rest.substring(1, closingParenthesis(rest, 0)));
        localRest = rest;
      } else {
        throw new IllegalArgumentException("CREATE TABLE " + table + ": expected a column list or AS another table: " + rest);
      }
      String local = table + LOCAL_SUFFIX;
      String shardingKey;
      if (columns.contains("host")) {
        shardingKey = "cityHash64(host)";
      } else {
        shardingKey = "cityHash64(" + sortingKey(table, rest) + ")";
      }
      tables.put(table, new Table(columns, shardingKey));
      return List.of(
          "CREATE TABLE IF NOT EXISTS " + local + onCluster() + " " + replicated(localRest, SHARDED_PATH, "{replica}", local),
          "CREATE TABLE IF NOT EXISTS " + table + onCluster() + " AS " + local
              + " ENGINE = Distributed('" + cluster + "', '" + database + "', '" + local + "', " + shardingKey + ")");
    }

    private String materializedView(String view, String target, String select) {
      known(target, "materialized view " + view + " TO");
      Matcher from = FIRST_FROM.matcher(select);
      if (!from.find()) {
        throw new IllegalArgumentException("materialized view " + view + ": no FROM in " + select);
      }
      String source = from.group(1);
      known(source, "materialized view " + view + " FROM");
      // Every read of the source, a subquery's too: in a view, each of them is the inserted block.
      String localSelect = Pattern.compile("\\bFROM\\s+" + source + "\\b", Pattern.CASE_INSENSITIVE).matcher(select)
          .replaceAll("FROM " + source + LOCAL_SUFFIX + " AS " + source);
      return "CREATE MATERIALIZED VIEW IF NOT EXISTS " + view + onCluster() + " TO " + target + LOCAL_SUFFIX + " AS " + localSelect;
    }

    private List<String> alter(String table, String commands) {
      known(table, "ALTER TABLE");
      List<String> distributedCommands = new ArrayList<>();
      for (String command : topLevel(commands, ',')) {
        if (COLUMN_COMMAND.matcher(command).matches()) {
          distributedCommands.add(command);
        }
        if (command.toUpperCase(Locale.ROOT).startsWith("ADD COLUMN")) {
          String name = command.replaceFirst("(?i)ADD COLUMN\\s+(IF NOT EXISTS\\s+)?", "").split("\\s+", 2)[0];
          Table before = tables.get(table);
          List<String> columns = new ArrayList<>(before.columns());
          columns.add(name);
          tables.put(table, new Table(List.copyOf(columns), before.shardingKey()));
        }
      }
      List<String> statements = new ArrayList<>();
      statements.add("ALTER TABLE " + table + LOCAL_SUFFIX + onCluster() + " "
          + DEDUPLICATION_WINDOW.matcher(commands).replaceAll("replicated_deduplication_window"));
      if (!distributedCommands.isEmpty()) {
        statements.add("ALTER TABLE " + table + onCluster() + " " + String.join(", ", distributedCommands));
      }
      return statements;
    }

    private Table known(String table, String where) {
      Table known = tables.get(table);
      if (known == null) {
        throw new IllegalArgumentException(where + " " + table + ": no earlier migration created a table " + table
            + " (have " + tables.keySet() + ")");
      }
      return known;
    }
  }

  /** The expressions of a CREATE TABLE's ORDER BY, without the parentheses around a tuple. */
  private static String sortingKey(String table, String rest) {
    Matcher orderBy = ORDER_BY.matcher(rest);
    if (!orderBy.find()) {
      throw new IllegalArgumentException("CREATE TABLE " + table + ": no host column and no ORDER BY to shard by");
    }
    int start = orderBy.end();
    if (start < rest.length() && rest.charAt(start) == '(') {
      return rest.substring(start + 1, closingParenthesis(rest, start)).strip();
    }
    return rest.substring(start).split("\\s+", 2)[0];
  }

  /** The column names of a CREATE TABLE's column list (its entries' first words). */
  static List<String> columnNames(String columnList) {
    List<String> names = new ArrayList<>();
    for (String entry : topLevel(columnList, ',')) {
      String name = entry.split("\\s+", 2)[0].replace("`", "");
      if (!List.of("INDEX", "PROJECTION", "CONSTRAINT").contains(name.toUpperCase(Locale.ROOT))) {
        names.add(name);
      }
    }
    return names;
  }

  /** {@code text} split at {@code separator} outside parentheses and quotes, pieces stripped. */
  static List<String> topLevel(String text, char separator) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    for (int end; (end = topLevelIndexOf(text, start, separator)) >= 0; start = end + 1) {
      pieces.add(text.substring(start, end).strip());
    }
    String last = text.substring(start).strip();
    if (!last.isEmpty()) {
      pieces.add(last);
    }
    return pieces;
  }

  /** Index of the parenthesis closing the one at {@code open}, skipping quoted text. */
  static int closingParenthesis(String text, int open) {
    int close = topLevelIndexOf(text, open + 1, ')');
    if (close < 0) {
      throw new IllegalArgumentException("unbalanced parentheses in: " + text);
    }
    return close;
  }

  /**
   * The first index from {@code from} where {@code text} has {@code wanted} outside quoted text
   * ('…', `…`, "…", backslash escapes inside) and outside the parentheses opened after
   * {@code from}; -1 when there is none.
   */
  private static int topLevelIndexOf(String text, int from, char wanted) {
    int depth = 0;
    char quote = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '`' || c == '"') {
        quote = c;
      } else if (c == wanted && depth == 0) {
        return i;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
    }
    return -1;
  }

  /**
   * The statement without {@code --} comments (outside quotes) and with runs of blanks as one
   * space: the form the patterns above read, and what the rendered statements carry.
   */
  static String withoutComments(String statement) {
    StringBuilder out = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < statement.length(); i++) {
      char c = statement.charAt(i);
      if (quote != 0) {
        out.append(c);
        if (c == '\\' && i + 1 < statement.length()) {
          out.append(statement.charAt(++i));
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '-' && i + 1 < statement.length() && statement.charAt(i + 1) == '-') {
        while (i < statement.length() && statement.charAt(i) != '\n') {
          i++;
        }
        if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
          out.append(' ');
        }
      } else {
        if (c == '\'' || c == '`' || c == '"') {
          quote = c;
        }
        if (!Character.isWhitespace(c)) {
          out.append(c);
        } else if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
          out.append(' ');
        }
      }
    }
    return out.toString().strip();
  }
}
