package io.agentwatch.grafana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.chhttp.ClickHouseHttpConfig;
import io.agentwatch.chhttp.ClickHouseHttpServer;
import io.agentwatch.chhttp.ServedStore;
import io.agentwatch.store.EmbeddedChdbStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard of deploy/grafana: generated from the named queries, and every panel's and
 * variable's SQL, macros and variables expanded as Grafana does ({@link GrafanaMacros}), runs
 * without error through the store's ClickHouse HTTP interface on the migrated schema with data.
 * {@code -Dagentwatch.grafana.write=true} rewrites the dashboard file.
 */
class GrafanaDashboardTest {

  @TempDir static Path dataDir;

  private static ServedStore served;
  private static EmbeddedChdbStore store;
  private static ClickHouseHttpServer server;

  @BeforeAll
  static void serveAFilledStore() throws Exception {
    served = ServedStore.open(dataDir, 300);
    store = served.store();
    server = served.server();
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
  }

  @Test
  void theDashboardFileIsWhatTheNamedQueriesGive() throws Exception {
    Path file = repositoryRoot().resolve(GrafanaDashboard.FILE);
    String generated = GrafanaDashboard.write();
    if (Boolean.getBoolean("agentwatch.grafana.write")) {
      Files.writeString(file, generated);
    }
    assertTrue(Files.exists(file), file + " is missing: run this test with -Dagentwatch.grafana.write=true");
    assertEquals(generated, Files.readString(file),
        file + " differs from what the named queries give: run this test with -Dagentwatch.grafana.write=true");
  }

  @Test
  void everyPanelAndVariableQueryRunsThroughTheClickHouseHttpInterface() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(repositoryRoot().resolve(GrafanaDashboard.FILE).toFile());
    Map<String, String> allValues = new HashMap<>();
    List<String[]> queries = new ArrayList<>(); // title, SQL
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      allValues.put(variable.path("name").asText(), variable.path("allValue").asText());
      queries.add(new String[] {"variable " + variable.path("name").asText(), variable.path("query").asText()});
    }
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        assertEquals(GrafanaDashboard.DATASOURCE_UID, target.path("datasource").path("uid").asText(), panel.path("title").asText());
        queries.add(new String[] {"panel " + panel.path("title").asText(), target.path("rawSql").asText()});
      }
    }
    assertTrue(queries.size() >= 8, "panels and variables found: " + queries.size());
    Instant to = Instant.now();
    Instant from = to.minus(Duration.ofDays(2));
    // All, and one value of each (one with a quote in it, which the sqlstring format must keep inside the literal).
    List<Map<String, String>> choices = List.of(Map.of(), Map.of("vendor", "anthropic", "team", "o'brien's team", "host", "dev-1"));
    HttpClient http = HttpClient.newHttpClient();
    int nonEmpty = 0;
    for (String[] query : queries) {
      for (Map<String, String> values : choices) {
        String sql = GrafanaMacros.expand(query[1], from, to, 3600, values, allValues);
        // As the plugin asks over HTTP: the query in the body, the result as Native.
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/?default_format=Native"))
            .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), query[0] + " with " + values + " failed: "
            + new String(response.body(), StandardCharsets.UTF_8) + "\n" + sql);
        if (values.isEmpty() && !store.query("SELECT count() FROM (" + sql + ")").strip().equals("0")) {
          nonEmpty++;
        }
      }
    }
    assertTrue(nonEmpty >= queries.size() / 2, "only " + nonEmpty + " of " + queries.size() + " queries returned rows over random data");
  }

  @Test
  void theProvisionedDataSourceIsTheOneThePanelsNameOverHttpToTheStoresDefaultPort() throws Exception {
    JsonNode provisioning = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
        .readTree(repositoryRoot().resolve("deploy/grafana/provisioning/datasources/agentwatch.yaml").toFile());
    JsonNode source = provisioning.path("datasources").path(0);
    assertEquals(GrafanaDashboard.DATASOURCE_UID, source.path("uid").asText());
    assertEquals(GrafanaDashboard.DATASOURCE_TYPE, source.path("type").asText());
    assertEquals("http", source.path("jsonData").path("protocol").asText());
    String defaultListen = io.agentwatch.chhttp.ClickHouseHttpConfig.SETTINGS.get(0).defaultText();
    assertEquals(defaultListen, source.path("jsonData").path("host").asText() + ":" + source.path("jsonData").path("port").asText());
  }

  @Test
  void macrosExpandAsThePluginDocumentsThem() {
    Instant from = Instant.ofEpochSecond(1415792726);
    Instant to = Instant.ofEpochSecond(1447328726);
    assertEquals("time >= toDateTime(1415792726) AND time <= toDateTime(1447328726)",
        GrafanaMacros.expand("$__timeFilter(time)", from, to, 60, Map.of(), Map.of()));
    assertEquals("WHERE t >= toDateTime(1415792726) AND t < toDateTime(1447328726) AND v = 'o''k' AND w = '' GROUP BY 60",
        GrafanaMacros.expand("WHERE t >= $__fromTime AND t < $__toTime AND v = ${v:sqlstring} AND w = ${w:sqlstring} GROUP BY $__interval_s",
            from, to, 60, Map.of("v", "o'k"), Map.of("v", "''", "w", "''")));
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("deploy"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no deploy/ folder above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
