package io.agentwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.stack.LocalPorts;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.Stores;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `agentwatch serve`: the HTTP API over a store something else fills (the server of deploy/k8s). */
class ServeCommandTest {

  @TempDir Path dir;

  @Test
  void servesTheNamedQueriesHealthAndStoreMetricsUntilStopped() throws Exception {
    String store = "store.embedded.path=" + dir.resolve("clickhouse");
    assertEquals(0, FlowsCommandTest.agentwatch("migrate", "--set", store).exitCode());
    try (ClickHouseStore filled = Stores.open(StoreConfig.embedded(dir.resolve("clickhouse").toString()))) {
      filled.execute("INSERT INTO flows (sensor_id, sequence, host, first_seen, last_seen, bytes_up) VALUES"
          + " ('s-1', 1, 'build-7', now(), now(), 1000), ('s-1', 2, 'build-7', now(), now(), 2000)");
    }
    ServeCommand serve = new ServeCommand();
    CommandLine cli = new CommandLine(serve);
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    int port = LocalPorts.free();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
        () -> cli.execute("--http", "127.0.0.1:" + port, "--set", store));
    String api = "http://127.0.0.1:" + port;
    for (int i = 0; i < 300 && !out.toString().contains("AgentWatch serves"); i++) {
      assertTrue(!exit.isDone(), "serve ended: " + out);
      Thread.sleep(100);
    }
    assertTrue(out.toString().contains("at " + api), out.toString());
    HttpClient http = HttpClient.newHttpClient();
    assertTrue(get(http, api + "/api/health").contains("\"status\":\"ok\""));
    assertTrue(get(http, api + "/api/queries/fleet_totals").contains("\"bytes_up\""));
    assertTrue(get(http, api + "/metrics").contains("agentwatch_store_rows{table=\"flows\"} 2"));

    serve.stop.countDown();
    assertEquals(0, exit.get(30, TimeUnit.SECONDS));
  }

  private static String get(HttpClient http, String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), url + ": " + response.body());
    return response.body();
  }
}
