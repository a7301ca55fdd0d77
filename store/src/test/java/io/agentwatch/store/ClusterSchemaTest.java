package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled migrations in their cluster form, read back by the real engine's parser (chDB):
 * {@code EXPLAIN AST} for the tree, {@code formatQuerySingleLine} for the statement as the engine
 * understood it. chDB has no Keeper and no remote_servers, so it cannot create a Replicated or
 * Distributed table, nor run ON CLUSTER ({@code NO_ZOOKEEPER}, {@code CLUSTER_DOESNT_EXIST} on
 * 26.7): what it can check is that each statement parses and says what a cluster needs, and that
 * each sharding key is an expression over its table's columns (on a single-server store migrated
 * from the same files).
 */
class ClusterSchemaTest {

  private static final String CLUSTER = "agentwatch";
  private static final String DATABASE = "agentwatch";

  @TempDir static Path dataDir;
  private static EmbeddedChdbStore engine;

  @BeforeAll
  static void singleServerStore() throws Exception {
    engine = EmbeddedChdbStore.open(dataDir);
    Migrations.bundled(engine).apply();
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  private static List<String> renderedStatements() {
    List<String> statements = new ArrayList<>();
    new ClusterSchema(CLUSTER, DATABASE).render(Migrations.bundledFiles()).forEach(r -> statements.addAll(r.statements()));
    return statements;
  }

  @Test
  void everyRenderedStatementParsesWithTheEngineAndRunsOnTheCluster() throws Exception {
    List<String> statements = new ArrayList<>(renderedStatements());
    statements.add(new ClusterSchema(CLUSTER, DATABASE).clusterWide(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String) ENGINE = MergeTree ORDER BY version"));
    for (String statement : statements) {
      String ast = engine.query("EXPLAIN AST " + statement);
      if (ast.startsWith("InsertQuery")) {
        // A fill of what is stored: once, through the Distributed tables (no ON CLUSTER for an INSERT).
        assertFalse(statement.contains(ClusterSchema.LOCAL_SUFFIX), statement);
        assertTrue(understood(statement).contains("distributed_foreground_insert = 1"), understood(statement));
        continue;
      }
      assertTrue(ast.startsWith("CreateQuery") || ast.startsWith("AlterQuery") || ast.startsWith("DropQuery")
          || ast.startsWith("TruncateQuery"), ast);
      assertTrue(understood(statement).contains(" ON CLUSTER " + CLUSTER + " "), understood(statement));
    }
  }

  @Test
  void everyTableOfTheSingleServerSchemaIsADistributedTableOverAReplicatedLocalTable() throws Exception {
    Map<String, List<String>> engines = new LinkedHashMap<>(); // table → engine function, then its literal arguments
    Map<String, String> shardingKeys = new LinkedHashMap<>();
    for (String statement : renderedStatements()) {
      List<String> ast = engine.query("EXPLAIN AST " + statement).lines().map(String::strip).toList();
      if (ast.get(0).startsWith("DropQuery")) {
        engines.remove(ast.get(0).split("\\s+")[1]); // "DropQuery  host_vendor_1m (children 1)"
        continue;
      }
      if (!ast.get(0).startsWith("CreateQuery") || ast.stream().noneMatch(line -> line.startsWith("Storage definition"))) {
        continue; // a view, or not a CREATE
      }
      String table = ast.get(0).split(" ")[1];
      int storage = indexStartingWith(ast, "Storage definition");
      List<String> engineAndArguments = new ArrayList<>();
      engineAndArguments.add(ast.get(storage + 1).split(" ")[1]); // "Function ReplicatedMergeTree (children 1)"
      for (String line : ast.subList(storage + 2, ast.size())) {
        if (line.startsWith("Literal ")) {
          engineAndArguments.add(line.substring("Literal ".length()).replace("\\'", "'"));
        }
      }
      engines.put(table, engineAndArguments);
      Matcher key = Pattern.compile("ENGINE = Distributed\\(.*?, (cityHash64\\(.*\\))\\)$").matcher(understood(statement));
      if (key.find()) {
        shardingKeys.put(table, key.group(1));
      }
    }

    List<String> singleServerTables = Arrays.asList(engine.query("SELECT name FROM system.tables WHERE database = currentDatabase()"
        + " AND engine LIKE '%MergeTree' AND name != 'schema_migrations' ORDER BY name").strip().split("\n"));
    assertTrue(singleServerTables.containsAll(List.of("flows", "host_vendor_service_1m", "flow_totals_1m", "alerts")), singleServerTables.toString());
    TreeSet<String> distributed = new TreeSet<>();
    engines.forEach((table, engineAndArguments) -> {
      if (engineAndArguments.get(0).equals("Distributed")) {
        distributed.add(table);
      }
    });
    assertEquals(new TreeSet<>(singleServerTables), distributed, "one Distributed table per table of the single-server schema, same name");

    for (String table : singleServerTables) {
      List<String> over = engines.get(table);
      String local = table + ClusterSchema.LOCAL_SUFFIX;
      assertEquals(List.of("Distributed", "'" + CLUSTER + "'", "'" + DATABASE + "'", "'" + local + "'"), over.subList(0, 4), table);
      List<String> replicated = engines.get(local);
      assertTrue(replicated != null && replicated.get(0).matches("Replicated\\w*MergeTree"), table + " is over " + local + ": " + replicated);
      String singleServerEngine = engine.query("SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = '"
          + table + "' FORMAT TSVRaw").strip();
      assertEquals("Replicated" + singleServerEngine, replicated.get(0), local);
      assertEquals(List.of("'/clickhouse/tables/{shard}/{database}/{table}'", "'{replica}'"), replicated.subList(1, 3), local);

      String key = shardingKeys.get(table);
      boolean hasHost = !engine.query("SELECT name FROM system.columns WHERE database = currentDatabase() AND table = '" + table
          + "' AND name = 'host'").isBlank();
      if (hasHost) {
        assertEquals("cityHash64(host)", key, table + ": a host's rows stay on one shard");
      }
      // The key is an expression over the table's columns (the single-server table has the same ones).
      engine.query("SELECT " + key + " FROM " + table + " LIMIT 0");
    }
  }

  @Test
  void materializedViewsReadAndWriteTheLocalTablesOfEachShard() throws Exception {
    List<String> views = renderedStatements().stream().filter(s -> s.startsWith("CREATE MATERIALIZED VIEW")).map(ClusterSchemaTest::understood).toList();
    assertTrue(views.size() >= 4, views.toString());
    for (String view : views) {
      Matcher m = Pattern.compile("CREATE MATERIALIZED VIEW IF NOT EXISTS (\\w+) ON CLUSTER " + CLUSTER
          + " TO (\\w+) .* FROM (\\w+) AS (\\w+) .*").matcher(view);
      assertTrue(m.matches(), view);
      assertEquals(m.group(4) + ClusterSchema.LOCAL_SUFFIX, m.group(3), view);
      assertTrue(m.group(2).endsWith(ClusterSchema.LOCAL_SUFFIX), view);
    }
  }

  @Test
  void anAlterChangesTheLocalTableAndTheDistributedTableGetsItsColumnChangesOnly() {
    Map<String, List<String>> byMigration = new LinkedHashMap<>();
    new ClusterSchema(CLUSTER, DATABASE).render(Migrations.bundledFiles()).forEach(r -> byMigration.put(r.migration().name(), r.statements()));

    List<String> alerts = byMigration.get("020_alert_incidents.sql");
    assertEquals(2, alerts.size(), alerts.toString());
    assertTrue(alerts.get(0).startsWith("ALTER TABLE alerts_local ON CLUSTER agentwatch ADD COLUMN IF NOT EXISTS incident_id"), alerts.get(0));
    assertTrue(alerts.get(0).endsWith("MODIFY ORDER BY (host, detector, vendor, service, window_start, version)"), alerts.get(0));
    assertTrue(alerts.get(1).startsWith("ALTER TABLE alerts ON CLUSTER agentwatch ADD COLUMN IF NOT EXISTS incident_id"), alerts.get(1));
    assertFalse(alerts.get(1).contains("ORDER BY"), "a Distributed table has no sorting key: " + alerts.get(1));
    assertTrue(alerts.get(1).contains("vendor_breakdown Array(Tuple(vendor String, service String, bytes_up UInt64))"), alerts.get(1));

    // Insert deduplication on a Replicated table: the replicated window, kept in Keeper.
    assertEquals(List.of("ALTER TABLE flows_local ON CLUSTER agentwatch MODIFY SETTING replicated_deduplication_window = 10000"),
        byMigration.get("004_stream_jobs.sql").subList(0, 1));
    assertTrue(byMigration.values().stream().flatMap(List::stream).noneMatch(s -> s.contains("non_replicated_deduplication_window")));
    assertEquals(List.of("DROP TABLE IF EXISTS host_vendor_1m ON CLUSTER agentwatch SYNC",
        "DROP TABLE IF EXISTS host_vendor_1m_local ON CLUSTER agentwatch SYNC"), byMigration.get("007_drop_host_vendor_1m.sql"));
  }

  /**
   * A store on a cluster (store.cluster) gets the cluster form from Migrations, history included:
   * what the client sends to a stand-in server, which answers every statement with success. The
   * store knows its cluster: the stack's {@code Migrations.bundled(store)} sends the same.
   */
  @Test
  void migrationsOnAClusterSendTheClusterFormAndKeepTheHistoryClusterWide() throws Exception {
    StoreConfig config = StoreConfig.remote("http://placeholder:8123", DATABASE, "writer", null).onCluster(CLUSTER);
    List<String> sent;
    try (RecordingHttpServer server = new RecordingHttpServer();
        ClickHouseStore store = Stores.open(StoreConfig.remote(server.url(), DATABASE, "writer", null).onCluster(CLUSTER))) {
      List<Migration> applied = Migrations.bundled(store, config).apply();
      assertEquals(Migrations.bundledFiles(), applied);
      sent = statementsSent(server);
    }
    assertTrue(sent.get(0).startsWith("CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER agentwatch ("), sent.get(0));
    assertTrue(sent.get(0).contains("ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{database}/{table}', '{shard}-{replica}')"),
        sent.get(0));
    List<String> expected = new ArrayList<>();
    new ClusterSchema(CLUSTER, DATABASE).render(Migrations.bundledFiles()).forEach(r -> expected.addAll(r.statements()));
    List<String> ddl = sent.stream().filter(q -> !q.startsWith("SELECT") && !q.startsWith("INSERT INTO schema_migrations")).toList();
    assertEquals(expected, ddl.subList(1, ddl.size()));

    try (RecordingHttpServer server = new RecordingHttpServer();
        ClickHouseStore store = Stores.open(StoreConfig.remote(server.url(), DATABASE, "writer", null).onCluster(CLUSTER))) {
      Migrations.bundled(store).apply();
      assertEquals(sent, statementsSent(server), "Migrations.bundled(store) on a store with store.cluster");
    }
  }

  /**
   * Retention on a cluster reads and changes the TTL of the local Replicated tables, ON CLUSTER
   * (a Distributed table has no TTL). The stand-in server answers every table's engine_full with
   * a 90-day TTL, so the tiers configured otherwise change.
   */
  @Test
  void retentionOnAClusterChangesTheLocalTablesTtlOnTheCluster() throws Exception {
    List<String> sent;
    List<String> changed;
    try (RecordingHttpServer server = new RecordingHttpServer();
        ClickHouseStore store = Stores.open(StoreConfig.remote(server.url(), DATABASE, "writer", null).onCluster(CLUSTER))) {
      server.answerWith(200, Map.of(), "ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')"
          + " ORDER BY host TTL ingested_at + toIntervalDay(90) SETTINGS index_granularity = 8192\n");
      changed = Retention.DEFAULTS.apply(store);
      sent = statementsSent(server);
    }
    assertEquals(List.of("flows", "late_flows", "flow_totals_1h", "vendor_totals_1h", "host_rollup_1h", "flow_totals_1d", "vendor_totals_1d",
        "host_rollup_1d", "host_vendor_contact", "host_vendor_first_contact"), changed);
    List<String> read = sent.stream().filter(q -> q.startsWith("SELECT engine_full")).toList();
    assertEquals(14, read.size(), read.toString());
    assertTrue(read.stream().allMatch(q -> q.matches(".* AND name = '\\w+_local' FORMAT TSVRaw")), "the local tables' TTL: " + read);
    List<String> alters = sent.stream().filter(q -> q.startsWith("ALTER")).toList();
    assertEquals(List.of(
        "ALTER TABLE flows_local ON CLUSTER agentwatch MODIFY TTL ingested_at + toIntervalDay(30)",
        "ALTER TABLE late_flows_local ON CLUSTER agentwatch MODIFY TTL ingested_at + toIntervalDay(30)",
        "ALTER TABLE flow_totals_1h_local ON CLUSTER agentwatch MODIFY TTL ingested_at + toIntervalDay(365)",
        "ALTER TABLE vendor_totals_1h_local ON CLUSTER agentwatch MODIFY TTL ingested_at + toIntervalDay(365)",
        "ALTER TABLE host_rollup_1h_local ON CLUSTER agentwatch MODIFY TTL ingested_at + toIntervalDay(365)",
        "ALTER TABLE flow_totals_1d_local ON CLUSTER agentwatch MODIFY TTL ingested_at + toIntervalDay(1095)",
        "ALTER TABLE vendor_totals_1d_local ON CLUSTER agentwatch MODIFY TTL ingested_at + toIntervalDay(1095)",
        "ALTER TABLE host_rollup_1d_local ON CLUSTER agentwatch MODIFY TTL ingested_at + toIntervalDay(1095)",
        "ALTER TABLE host_vendor_contact_local ON CLUSTER agentwatch MODIFY TTL ingested_at + toIntervalDay(1095)",
        "ALTER TABLE host_vendor_first_contact_local ON CLUSTER agentwatch MODIFY TTL ingested_at + toIntervalDay(1095)"), alters);
    for (String alter : alters) {
      assertTrue(engine.query("EXPLAIN AST " + alter).startsWith("AlterQuery"), alter);
      String table = alter.split(" ")[2];
      assertEquals("ALTER TABLE " + table + " ON CLUSTER agentwatch (" + alter.substring(alter.indexOf("MODIFY TTL")) + ")",
          understood(alter), "the engine reads it as written");
    }
  }

  /**
   * The vendors table refilled on a cluster: the reviewers' tags read through the Distributed
   * table, every node's local table emptied ON CLUSTER, the rows inserted through the Distributed
   * table (which waits for the shards). The insert the client sent, replayed into the real engine,
   * holds the catalog with the tag kept.
   */
  @Test
  void vendorRowsOnAClusterEmptyTheLocalTablesAndWriteThroughTheDistributedTable() throws Exception {
    List<RecordingHttpServer.Request> requests;
    try (RecordingHttpServer server = new RecordingHttpServer();
        ClickHouseStore store = Stores.open(StoreConfig.remote(server.url(), DATABASE, "writer", null).onCluster(CLUSTER))) {
      server.answerWith(200, Map.of(), "openai\tapi\tsanctioned\n");
      assertEquals(2, VendorRows.replace(store, List.of(
          new VendorRows.Entry("openai", "api", "OpenAI", "llm-api"),
          new VendorRows.Entry("deepseek", "api", "DeepSeek", "llm-api"))));
      requests = List.copyOf(server.requests());
      List<String> sent = statementsSent(server);
      assertTrue(sent.get(0).matches("SELECT vendor, service, policy_tag FROM vendors .*"), sent.get(0));
      assertEquals("TRUNCATE TABLE vendors_local ON CLUSTER agentwatch SYNC", sent.get(1));
      assertTrue(engine.query("EXPLAIN AST " + sent.get(1)).startsWith("TruncateQuery"), engine.query("EXPLAIN AST " + sent.get(1)));
      assertEquals(sent.get(1), understood(sent.get(1)));
      assertEquals(3, sent.size(), sent.toString());
    }
    RecordingHttpServer.Request insert = requests.get(requests.size() - 1);
    String statement = insert.parameters().get("query");
    assertTrue(statement.startsWith("INSERT INTO `vendors` ("), statement);
    assertEquals("1", insert.parameters().get(RemoteClickHouseStore.FOREGROUND_INSERT), "an insert that waits for the shards");
    assertTrue(statement.endsWith(" FORMAT RowBinary"), statement);
    engine.execute("TRUNCATE TABLE vendors");
    engine.insertStreamed(statement.substring(0, statement.length() - " FORMAT RowBinary".length()), "RowBinary", insert.body());
    assertEquals("deepseek\tapi\tunreviewed\nopenai\tapi\tsanctioned\n",
        engine.query("SELECT vendor, service, policy_tag FROM vendors ORDER BY vendor"), "the catalog, with the reviewer's tag kept");
  }

  /** Every statement the client sent (from the query parameter, else the body), the store's version check left out. */
  private static List<String> statementsSent(RecordingHttpServer server) {
    List<String> sent = new ArrayList<>();
    for (RecordingHttpServer.Request request : server.requests()) {
      String query = request.parameters().get("query");
      String statement = query != null && !query.isBlank() ? query : new String(request.body(), java.nio.charset.StandardCharsets.UTF_8);
      if (!statement.equals("SELECT version()")) { // the store's version check when it opens
        sent.add(statement);
      }
    }
    return sent;
  }

  @Test
  void aStatementWithoutAClusterFormIsRefusedNamingItsMigration() {
    List<Migration> migrations = new ArrayList<>(Migrations.bundledFiles());
    migrations.add(Migration.of("099_fill.sql", "INSERT INTO vendors (vendor) SELECT 'x';\n"));
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> new ClusterSchema(CLUSTER, DATABASE).render(migrations));
    assertTrue(error.getMessage().startsWith("migration 099_fill.sql: no cluster form for this statement"), error.getMessage());

    IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> new ClusterSchema("agent-watch", DATABASE));
    assertEquals("cluster name 'agent-watch' must be a plain name ([A-Za-z_][A-Za-z0-9_]*)", name.getMessage());
  }

  /** The statement as the engine's parser understood it, on one line. */
  private static String understood(String statement) {
    try {
      return engine.query("SELECT formatQuerySingleLine(" + SqlNames.stringLiteral(statement) + ") FORMAT TSVRaw").strip();
    } catch (StoreException e) {
      throw new AssertionError(statement, e);
    }
  }

  private static int indexStartingWith(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no " + prefix + " in " + lines);
  }
}
