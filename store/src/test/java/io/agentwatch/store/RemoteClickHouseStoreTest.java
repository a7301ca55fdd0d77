package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The remote store without a ClickHouse server: what it sends, and how it reads failures. */
class RemoteClickHouseStoreTest {

  @Test
  void connectionRefusedIsRetriableAndNamesTheUrl() throws Exception {
    int freePort;
    try (ServerSocket socket = new ServerSocket(0)) {
      freePort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + freePort;
    // The store asks the server's version when it opens: not reaching it is the retriable error, not a version error.
    StoreException error = assertThrows(StoreException.class,
        () -> Stores.open(StoreConfig.remote(url, "default", "default", null)).close());
    assertTrue(error.isRetriable(), error.getMessage());
    assertTrue(error.getMessage().startsWith("cannot reach ClickHouse at " + url), error.getMessage());
  }

  @Test
  void aServerGoneAfterOpeningIsRetriable() throws Exception {
    RecordingHttpServer server = new RecordingHttpServer();
    try (ClickHouseStore store = Stores.open(StoreConfig.remote(server.url(), "default", "default", null))) {
      server.close();
      StoreException query = assertThrows(StoreException.class, () -> store.query("SELECT 1"));
      assertTrue(query.isRetriable(), query.getMessage());
      assertTrue(query.getMessage().contains(server.url()), query.getMessage());
      StoreException insert = assertThrows(StoreException.class,
          () -> store.insertRowBinary("flows", List.of("sensor_id"), new RowBinaryWriter().string("s").toByteArray()));
      assertTrue(insert.isRetriable(), insert.getMessage());
    }
  }

  @Test
  void anOldServerIsRefusedWhenTheStoreOpens() throws Exception {
    try (RecordingHttpServer server = new RecordingHttpServer()) {
      server.answerVersionWith("24.3.5.47");
      StoreException refused = assertThrows(StoreException.class,
          () -> Stores.open(StoreConfig.remote(server.url(), "default", "default", null)).close());
      assertFalse(refused.isRetriable(), refused.getMessage());
      assertTrue(refused.getMessage().startsWith("ClickHouse at " + server.url() + " is 24.3.5.47; AgentWatch needs 24.8 or newer ("),
          refused.getMessage());

      server.answerVersionWith("<html>a proxy's page</html>");
      StoreException notClickHouse = assertThrows(StoreException.class,
          () -> Stores.open(StoreConfig.remote(server.url(), "default", "default", null)).close());
      assertTrue(notClickHouse.getMessage().contains("not a ClickHouse version"), notClickHouse.getMessage());
    }
  }

  @Test
  void theInsertTheClientSendsIsAcceptedByTheRealEngine(@TempDir Path dataDir) throws Exception {
    RowBinaryWriter out = new RowBinaryWriter();
    FlowRows.encode(out, SampleRecords.anthropicOverIpv4(1));
    FlowRows.encode(out, SampleRecords.unknownOverIpv6(2));
    byte[] batch = out.toByteArray();

    RecordingHttpServer.Request sent;
    try (RecordingHttpServer server = new RecordingHttpServer();
        ClickHouseStore remote = Stores.open(StoreConfig.remote(server.url(), "agentwatch", "writer", null))) {
      remote.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, batch);
      sent = server.requests().get(server.requests().size() - 1);
    }

    // The statement the client put on the wire, with its body, goes to the real engine as one statement.
    String statement = sent.parameters().get("query");
    assertTrue(statement.contains("FORMAT RowBinary"), statement);
    assertEquals("agentwatch", sent.header("X-ClickHouse-Database"));
    assertEquals("RowBinary", sent.header("X-ClickHouse-Format"));
    try (EmbeddedChdbStore embedded = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(embedded).apply();
      // chDB takes the data of an INSERT apart from its statement (see ChdbEngine.insert).
      assertTrue(statement.endsWith(" FORMAT RowBinary"), statement);
      embedded.insertStreamed(statement.substring(0, statement.length() - " FORMAT RowBinary".length()), "RowBinary", sent.body());
      assertEquals("1\tdev-laptop-7\t::ffff:160.79.104.10\tanthropic\n2\tbuild-server\t2606:4700:10::6816:1b2c\t\n",
          embedded.query("SELECT sequence, host, dst_ip, vendor FROM flows ORDER BY sequence"));
    }
  }

  /**
   * On a cluster the insert into a Distributed table waits for the shards, with the token: a
   * failure then reaches the sink before its checkpoint, and the retry meets the shards' Keeper.
   */
  @Test
  void onAClusterAnInsertWaitsForTheShardsAndCarriesItsToken() throws Exception {
    byte[] batch = new RowBinaryWriter().string("s").toByteArray();
    try (RecordingHttpServer server = new RecordingHttpServer();
        ClickHouseStore single = Stores.open(StoreConfig.remote(server.url(), "agentwatch", "writer", null));
        ClickHouseStore cluster = Stores.open(StoreConfig.remote(server.url(), "agentwatch", "writer", null).onCluster("agentwatch"))) {
      single.insertRowBinary("flows", List.of("sensor_id"), batch, "job-7-flows-0");
      RecordingHttpServer.Request toOneServer = server.requests().get(server.requests().size() - 1);
      assertEquals(null, toOneServer.parameters().get(RemoteClickHouseStore.FOREGROUND_INSERT), toOneServer.parameters().toString());

      cluster.insertRowBinary("flows", List.of("sensor_id"), batch, "job-7-flows-0");
      RecordingHttpServer.Request toCluster = server.requests().get(server.requests().size() - 1);
      assertEquals("1", toCluster.parameters().get(RemoteClickHouseStore.FOREGROUND_INSERT), toCluster.parameters().toString());
      assertEquals("job-7-flows-0", toCluster.parameters().get("insert_deduplication_token"), toCluster.parameters().toString());
      assertTrue(cluster.describe().endsWith("(database agentwatch, cluster agentwatch)"), cluster.describe());
    }
  }

  @Test
  void aStatementTheServerRejectsIsNotRetriableAndKeepsItsText() throws Exception {
    String serverText = "Code: 62. DB::Exception: Syntax error: failed at position 1 ('SELEC'). (SYNTAX_ERROR) (version 25.8.1.1)\n";
    try (RecordingHttpServer server = new RecordingHttpServer();
        ClickHouseStore remote = Stores.open(StoreConfig.remote(server.url(), "default", "default", null))) {
      server.answerWith(500, Map.of("X-ClickHouse-Exception-Code", "62"), serverText);
      StoreException error = assertThrows(StoreException.class, () -> remote.query("SELEC 1"));
      assertFalse(error.isRetriable(), error.getMessage());
      assertTrue(error.getMessage().contains("SYNTAX_ERROR"), error.getMessage());
      assertTrue(error.getMessage().contains(server.url()), error.getMessage());
    }
  }

  @Test
  void anOverloadedServerIsRetriable() throws Exception {
    try (RecordingHttpServer server = new RecordingHttpServer();
        ClickHouseStore remote = Stores.open(StoreConfig.remote(server.url(), "default", "default", null))) {
      server.answerWith(503, Map.of(), "Service Unavailable");
      StoreException unavailable = assertThrows(StoreException.class, () -> remote.execute("SELECT 1"));
      assertTrue(unavailable.isRetriable(), unavailable.getMessage());

      server.answerWith(500, Map.of("X-ClickHouse-Exception-Code", "252"),
          "Code: 252. DB::Exception: Too many parts (300). Merges are processing significantly slower than inserts. (TOO_MANY_PARTS)\n");
      StoreException tooManyParts = assertThrows(StoreException.class,
          () -> remote.insertRowBinary("flows", List.of("sensor_id"), new RowBinaryWriter().string("s").toByteArray()));
      assertTrue(tooManyParts.isRetriable(), tooManyParts.getMessage());
    }
  }

  @Test
  void queriesAskForTabSeparatedUnlessTheStatementNamesAFormat() throws Exception {
    try (RecordingHttpServer server = new RecordingHttpServer();
        ClickHouseStore remote = Stores.open(StoreConfig.remote(server.url(), "default", "default", null))) {
      server.answerWith(200, Map.of(), "1\ta\n");
      assertEquals("1\ta\n", remote.query("SELECT 1, 'a'"));
      RecordingHttpServer.Request sent = server.requests().get(server.requests().size() - 1);
      assertEquals("TabSeparated", sent.header("X-ClickHouse-Format"), sent.headers().toString());
    }
  }
}
