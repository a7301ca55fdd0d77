package io.agentwatch.chhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.SampleFlowRecords;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.FlowRows;
import io.agentwatch.store.Migration;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.NamedQueries;
import io.agentwatch.store.RemoteClickHouseStore;
import io.agentwatch.store.RowBinaryWriter;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.StoreException;
import io.agentwatch.store.Stores;
import io.agentwatch.testing.RandomRows;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official client (client-v2, through {@link RemoteClickHouseStore}) writing into an embedded
 * store over its ClickHouse HTTP interface as the writer user: what a job on a Flink cluster, or
 * another {@code up --clickhouse}, does with a one-machine store. Real chDB engine behind it.
 */
class ClickHouseHttpWriterTest {

  private static final String WRITER = ClickHouseHttpConfig.DEFAULT_WRITER_USER;
  private static final String WRITER_PASSWORD = "writer-s3cret";

  @TempDir static Path dataDir;
  @TempDir static Path secrets;

  private static EmbeddedChdbStore store;
  private static ClickHouseHttpServer server;
  private static ClickHouseStore writer;
  private static List<Migration> appliedThroughTheWriter;

  @BeforeAll
  static void migrateAnEmptyStoreThroughTheWriter() throws Exception {
    store = EmbeddedChdbStore.open(dataDir);
    server = ClickHouseHttpServer.start(ClickHouseHttpConfig.loopback(0).withWriter(WRITER, WRITER_PASSWORD), store);
    writer = Stores.open(StoreConfig.remote(server.url(), "default", WRITER, passwordFile("writer", WRITER_PASSWORD)));
    appliedThroughTheWriter = Migrations.bundled(writer).apply();
    RandomRows.fill(writer, 300);
  }

  @AfterAll
  static void stop() {
    if (writer != null) {
      writer.close();
    }
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void theMigrationsApplyThroughTheWriterOnceEach() throws Exception {
    List<String> bundled = Migrations.bundled(store).apply().stream().map(Migration::name).toList();
    assertEquals(List.of(), bundled, "the store itself finds nothing left to apply");
    assertTrue(appliedThroughTheWriter.size() >= 13, appliedThroughTheWriter.toString());
    assertEquals(List.of(), Migrations.bundled(writer).apply(), "a second run through the writer applies nothing");
    assertEquals(Integer.toString(appliedThroughTheWriter.size()), store.query("SELECT count() FROM schema_migrations").strip());
    // Every column the writers fill, in order (ingested_at, filled by the table, sits among them).
    List<String> flowsColumns = List.of(store.query("SELECT name FROM system.columns WHERE database = 'default'"
        + " AND table = 'flows' ORDER BY position").strip().split("\n"));
    assertEquals(FlowRows.COLUMNS, flowsColumns.stream().filter(FlowRows.COLUMNS::contains).toList());
  }

  @Test
  void aBatchSentTwiceWithItsTokenIsStoredOnce() throws Exception {
    RowBinaryWriter out = new RowBinaryWriter();
    for (int i = 0; i < 50; i++) {
      FlowRows.encode(out, flow("dedup-host", 1000 + i));
    }
    byte[] batch = out.toByteArray();
    String token = "writer-test-batch-1";
    writer.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, batch, token);
    writer.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, batch, token);
    long bytesUp = 0;
    for (int i = 0; i < 50; i++) {
      bytesUp += 1000 + i;
    }
    assertEquals("50\t" + bytesUp, store.query("SELECT count(), sum(bytes_up) FROM flows WHERE host = 'dedup-host'").strip());
    // The rollups the materialized views feed drop the re-sent batch too.
    assertEquals("50", store.query("SELECT sum(flows) FROM flow_totals_1m WHERE host = 'dedup-host'").strip());

    writer.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, batch, "writer-test-batch-2");
    assertEquals("100", store.query("SELECT count() FROM flows WHERE host = 'dedup-host'").strip(),
        "another token is another batch");
  }

  @Test
  void everyNamedQueryAnswersThroughTheRemoteStoreAsOnTheEmbeddedStore() throws Exception {
    try (ClickHouseStore reader = Stores.open(StoreConfig.remote(server.url(), "default", "default", null))) {
      for (String name : NamedQueries.names()) {
        String sql = ClickHouseHttpJdbcTest.withDefaults(NamedQueries.get(name));
        List<String> direct = lines(store.query(sql));
        assertEquals(direct, lines(writer.query(sql)), name + " through the writer");
        assertEquals(direct, lines(reader.query(sql)), name + " through the reader");
      }
    }
  }

  @Test
  void aWrongWriterPasswordIsRefusedLikeAServerDoes() throws Exception {
    StoreException refused = assertThrows(StoreException.class, () -> Stores.open(
        StoreConfig.remote(server.url(), "default", WRITER, passwordFile("wrong", "guess"))).close());
    assertFalse(refused.isRetriable(), refused.getMessage());
    assertTrue(refused.getMessage().contains("Code: 516") && refused.getMessage().contains("AUTHENTICATION_FAILED"),
        refused.getMessage());

    // The writer's name never falls back to reading without its password.
    HttpResponse<String> noPassword = post("SELECT 1", WRITER, "");
    assertEquals(401, noPassword.statusCode(), noPassword.body());
    assertEquals("516", noPassword.headers().firstValue("X-ClickHouse-Exception-Code").orElse(""));
  }

  @Test
  void theReaderStillCannotWrite() throws Exception {
    String before = store.query("SELECT count() FROM flows").strip();
    try (ClickHouseStore reader = Stores.open(StoreConfig.remote(server.url(), "default", "default", null))) {
      RowBinaryWriter out = new RowBinaryWriter();
      FlowRows.encode(out, flow("intruder", 1));
      StoreException insert = assertThrows(StoreException.class,
          () -> reader.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray(), "reader-token"));
      assertEquals(164, insert.clickHouseCode(), insert.getMessage()); // READONLY
      StoreException ddl = assertThrows(StoreException.class, () -> reader.execute("DROP TABLE flows"));
      assertEquals(164, ddl.clickHouseCode(), ddl.getMessage());
    }
    assertEquals(before, store.query("SELECT count() FROM flows").strip());
  }

  @Test
  void anInsertWithItsStatementAtTheHeadOfTheBodyOrWithValuesIsStreamed() throws Exception {
    writer.execute("CREATE TABLE IF NOT EXISTS scratch (n UInt32, s String) ENGINE = MergeTree ORDER BY n");
    HttpResponse<String> tsv = post("INSERT INTO scratch (n, s) FORMAT TabSeparated\n1\tone\n2\ttwo\n", WRITER, WRITER_PASSWORD);
    assertEquals(200, tsv.statusCode(), tsv.body());
    HttpResponse<String> values = post("INSERT INTO scratch VALUES (3, 'three'), (4, 'line\\nfeed')", WRITER, WRITER_PASSWORD);
    assertEquals(200, values.statusCode(), values.body());
    assertEquals("1\tone\n2\ttwo\n3\tthree\n4\tline\\nfeed\n", store.query("SELECT n, s FROM scratch WHERE n < 100 ORDER BY n"));

    // RowBinary whose bytes hold line feeds: as inline data the engine lost or refused such rows.
    RowBinaryWriter rows = new RowBinaryWriter();
    for (int n = 100; n < 200; n++) {
      rows.uint32(n).string("row\n" + n + "\n");
    }
    byte[] head = "INSERT INTO scratch (n, s) FORMAT RowBinary\n".getBytes(StandardCharsets.US_ASCII);
    byte[] data = rows.toByteArray();
    byte[] request = Arrays.copyOf(head, head.length + data.length);
    System.arraycopy(data, 0, request, head.length, data.length);
    HttpResponse<String> binary = post(HttpRequest.BodyPublishers.ofByteArray(request), WRITER, WRITER_PASSWORD);
    assertEquals(200, binary.statusCode(), binary.body());
    assertEquals("100\t100", store.query("SELECT count(), countIf(s = concat('row\\n', toString(n), '\\n'))"
        + " FROM scratch WHERE n >= 100").strip());

    // Forms that are not taken apart are refused rather than run with their data inline.
    HttpResponse<String> function = post("INSERT INTO FUNCTION null('n UInt8') SELECT 1", WRITER, WRITER_PASSWORD);
    assertEquals(400, function.statusCode(), function.body());
  }

  /** A request as curl sends it: the statement (and any data) in the body, HTTP Basic credentials. */
  private static HttpResponse<String> post(String body, String user, String password) throws Exception {
    return post(HttpRequest.BodyPublishers.ofString(body), user, password);
  }

  private static HttpResponse<String> post(HttpRequest.BodyPublisher body, String user, String password) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/"))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
        .POST(body).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String passwordFile(String name, String password) throws Exception {
    Path file = secrets.resolve(name);
    Files.writeString(file, password + "\n");
    return file.toString();
  }

  /** The rows, sorted: rows a query's ORDER BY leaves tied may come in any order on any run. */
  private static List<String> lines(String text) {
    String[] rows = text.split("\n");
    Arrays.sort(rows);
    return List.of(rows);
  }

  /** The schemas' sample Anthropic flow from {@code host}, uploading as many bytes as its sequence number. */
  private static FlowRecord flow(String host, long sequence) {
    return FlowRecord.newBuilder(SampleFlowRecords.anthropicOverIpv4(sequence)).setHost(host).setBytesUp(sequence).build();
  }
}
