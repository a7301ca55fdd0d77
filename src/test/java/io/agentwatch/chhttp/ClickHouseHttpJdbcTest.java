package io.agentwatch.chhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.NamedQueries;
import io.agentwatch.store.NamedQuery;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official ClickHouse JDBC driver (v2) against the store's read-only HTTP interface: every
 * named query answers as the store itself does; writes and bad SQL come back as ClickHouse errors.
 */
class ClickHouseHttpJdbcTest {

  @TempDir static Path dataDir;

  private static ServedStore served;
  private static EmbeddedChdbStore store;
  private static ClickHouseHttpServer server;

  @BeforeAll
  static void serveAFilledStore() throws Exception {
    served = ServedStore.open(dataDir, 500);
    store = served.store();
    server = served.server();
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
  }

  private static Connection connect(Properties properties) throws SQLException {
    return new com.clickhouse.jdbc.Driver().connect(jdbcUrl(server), properties);
  }

  @Test
  void everyNamedQueryAnswersThroughJdbcAsTheStoreDoes() throws Exception {
    List<String> names = NamedQueries.names();
    assertTrue(names.size() >= 4, "named queries found: " + names);
    try (Connection connection = connect(new Properties()); Statement statement = connection.createStatement()) {
      for (String name : names) {
        String sql = withDefaults(NamedQueries.get(name));
        List<String> columns = new ArrayList<>();
        int rows = 0;
        try (ResultSet result = statement.executeQuery(sql)) {
          ResultSetMetaData meta = result.getMetaData();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(meta.getColumnName(i));
          }
          while (result.next()) {
            for (int i = 1; i <= columns.size(); i++) {
              result.getObject(i); // every value decodes
            }
            rows++;
          }
        } catch (SQLException e) {
          throw new AssertionError("named query " + name + " failed through JDBC: " + e.getMessage(), e);
        }
        List<String> expectedColumns = Arrays.asList(
            store.query("SELECT * FROM (" + sql + ") LIMIT 0 FORMAT TSVWithNames").strip().split("\t"));
        int expectedRows = Integer.parseInt(store.query("SELECT count() FROM (" + sql + ")").strip());
        assertEquals(expectedColumns, columns, name + ": columns");
        assertEquals(expectedRows, rows, name + ": rows");
      }
    }
  }

  @Test
  void anInsertIsRefusedAsReadOnlyAndChangesNothing() throws Exception {
    long before = Long.parseLong(store.query("SELECT count() FROM flows").strip());
    try (Connection connection = connect(new Properties()); Statement statement = connection.createStatement()) {
      SQLException insert = assertThrows(SQLException.class,
          () -> statement.executeUpdate("INSERT INTO flows (sensor_id) SELECT 'intruder'"));
      assertEquals(164, insert.getErrorCode(), insert.getMessage()); // READONLY
      for (String write : List.of("DROP TABLE flows", "ALTER TABLE flows DELETE WHERE 1", "SYSTEM STOP MERGES",
          "CREATE TABLE t (x UInt8) ENGINE = Memory", "SELECT 1 SETTINGS readonly = 0",
          // table functions reach the machine's files and network: readonly=1 refuses them
          "SELECT * FROM file('/etc/hostname', 'LineAsString')", "SELECT * FROM url('http://127.0.0.1:1/', 'LineAsString')")) {
        SQLException refused = assertThrows(SQLException.class, () -> statement.execute(write), write);
        assertEquals(164, refused.getErrorCode(), write + ": " + refused.getMessage());
      }
    }
    assertEquals(before, Long.parseLong(store.query("SELECT count() FROM flows").strip()));
  }

  @Test
  void aBadQueryGivesTheDriverClickHousesCodeAndMessage() throws Exception {
    try (Connection connection = connect(new Properties()); Statement statement = connection.createStatement()) {
      SQLException unknownTable = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT * FROM no_such_table"));
      assertEquals(60, unknownTable.getErrorCode(), unknownTable.getMessage());
      assertTrue(unknownTable.getMessage().contains("UNKNOWN_TABLE"), unknownTable.getMessage());
      SQLException syntax = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT 1 FROM"));
      assertEquals(62, syntax.getErrorCode(), syntax.getMessage());
      // The connection stays usable after errors.
      try (ResultSet result = statement.executeQuery("SELECT count() FROM flows")) {
        assertTrue(result.next());
      }
    }
  }

  @Test
  void withAPasswordOnlyThatUserAndPasswordRead() throws Exception {
    try (ClickHouseHttpServer guarded = ClickHouseHttpServer.start(
        ClickHouseHttpConfig.loopback(0).withPassword("grafana", "s3cret"), store)) {
      String url = jdbcUrl(guarded);
      Properties wrong = new Properties();
      wrong.setProperty("user", "grafana");
      wrong.setProperty("password", "guess");
      SQLException refused = assertThrows(SQLException.class, () -> {
        try (Connection connection = new com.clickhouse.jdbc.Driver().connect(url, wrong); Statement statement = connection.createStatement()) {
          statement.executeQuery("SELECT 1").close();
        }
      });
      assertTrue(refused.getMessage().contains("516") || refused.getErrorCode() == 516, refused.getMessage());
      Properties right = new Properties();
      right.setProperty("user", "grafana");
      right.setProperty("password", "s3cret");
      try (Connection connection = new com.clickhouse.jdbc.Driver().connect(url, right); Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SELECT 42")) {
        assertTrue(result.next());
        assertEquals(42, result.getInt(1));
      }
    }
  }

  /** What a JDBC tool is given: the interface's address, the ClickHouse driver's URL form. */
  static String jdbcUrl(ClickHouseHttpServer server) {
    return "jdbc:clickhouse://127.0.0.1:" + server.port() + "/default";
  }

  /** The query with each parameter at its default, and a plausible value for each required one. */
  static String withDefaults(NamedQuery query) {
    Map<String, String> values = new HashMap<>();
    for (NamedQuery.Parameter parameter : query.parameters()) {
      if (parameter.defaultValue() == null) {
        values.put(parameter.name(), switch (parameter.type()) {
          case DateTime -> "7d";
          case UInt64, Float64 -> "1";
          case String -> "x";
        });
      }
    }
    return query.render(values, Instant.now());
  }
}
