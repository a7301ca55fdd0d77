package io.agentwatch.cli;

import static io.agentwatch.cli.FlowsCommandTest.agentwatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.api.ApiServer;
import io.agentwatch.cli.FlowsCommandTest.Run;
import io.agentwatch.stack.DataDirectory;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.Stores;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `agentwatch query` and `alerts`: on a data directory alone, and through a running stack's API. */
class QueryCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** A store with two hosts' windows and one alert, as a finished run leaves it. */
  private DataDirectory dataDirectoryWithResults() throws Exception {
    DataDirectory dataDir = new DataDirectory(dir.resolve("data"));
    try (ClickHouseStore store = Stores.open(StoreConfig.embedded(dataDir.clickhouse().toString()))) {
      fill(store);
    }
    return dataDir;
  }

  private static void fill(ClickHouseStore store) throws Exception {
    Migrations.bundled(store).apply();
    store.execute("INSERT INTO host_vendor_service_1m (host, vendor, service, window_start, bytes_up, bytes_down,"
        + " packets_up, packets_down, flows, distinct_destinations, max_upload) VALUES"
        + " ('build-42', 'openai', 'api', now() - INTERVAL 2 HOUR, 75000000, 120000, 50000, 900, 3, 1, 74000000),"
        + " ('build-42', 'openai', 'api', now() - INTERVAL 30 MINUTE, 1500, 2500, 10, 10, 1, 1, 1500),"
        + " ('laptop-7', 'anthropic', 'api', now() - INTERVAL 2 HOUR, 5200, 91000, 20, 30, 2, 1, 4000)");
    store.execute("INSERT INTO alerts (alert_id, detector, host, vendor, service, window_start, window_end, observed,"
        + " baseline, score, top_flows, reason, incident_id, state, version, severity, vendor_breakdown) VALUES"
        + " ('a-1', 'upload-spike', 'build-42', 'openai', 'api',"
        + " toStartOfMinute(now() - INTERVAL 2 HOUR), toStartOfMinute(now() - INTERVAL 2 HOUR) + 60, 75000000, 57000, 1300,"
        + " ['1:abc='], 'build-42 uploaded 75 MB to openai', 'upload-spike/build-42/openai/x', 'open', 0, 'critical',"
        + " [('openai', 'api', 70000000), ('anthropic', 'api', 5000000)])");
  }

  @Test
  void queriesTheDataDirectoryWhenNoStackRuns() throws Exception {
    DataDirectory dataDir = dataDirectoryWithResults();

    Run json = agentwatch("query", "host_totals", "--data-dir", dataDir.path().toString(), "--format", "json");
    assertEquals(0, json.exitCode(), json.err());
    JsonNode rows = JSON.readTree(json.out());
    assertEquals(2, rows.size(), json.out());
    assertEquals("build-42", rows.get(0).path("host").asText());
    assertEquals(75_001_500L, rows.get(0).path("bytes_up").asLong(), "64-bit sums are JSON numbers");

    Run recent = agentwatch("query", "host_totals", "--param", "since=1h", "--data-dir", dataDir.path().toString(), "--format", "csv");
    assertEquals("host,vendor,bytes_up,bytes_down,packets,flows\r\nbuild-42,openai,1500,2500,20,1\r\n", recent.out(), recent.err());

    Run table = agentwatch("query", "host_totals", "--data-dir", dataDir.path().toString());
    assertTrue(table.out().contains("75.0 MB"), "bytes for people: " + table.out());
    assertTrue(table.out().contains("5.20 kB"), table.out());
    table.out().lines().forEach(line -> assertTrue(line.length() <= 100, "fits 100 columns: " + line));

    Run alerts = agentwatch("alerts", "--since", "3h", "--format", "json", "--data-dir", dataDir.path().toString());
    JsonNode alert = JSON.readTree(alerts.out()).get(0);
    for (String field : new String[] {"alert_id", "incident_id", "detector", "host", "vendor", "service", "severity",
        "window_start", "window_end", "observed", "baseline", "score", "reason", "top_flows"}) {
      assertTrue(alert.has(field), field + " in " + alert);
    }
    assertEquals("upload-spike/build-42/openai/x", alert.path("incident_id").asText());
    assertEquals("critical", alert.path("severity").asText());
    assertEquals("openai", alert.path("vendor_breakdown").get(0).path("vendor").asText(), alert.toString());
    assertTrue(alert.path("window_start").asText().endsWith(":00Z"), "ISO-8601 UTC: " + alert);
    assertEquals("1:abc=", alert.path("top_flows").get(0).asText());
    assertEquals("[]", JSON.readTree(agentwatch("alerts", "--since", "1h", "--format", "json", "--data-dir",
        dataDir.path().toString()).out()).toString(), "the alert's window is older than an hour");
    assertEquals("[]", JSON.readTree(agentwatch("alerts", "--since", "3h", "--host", "laptop-7", "--format", "json",
        "--data-dir", dataDir.path().toString()).out()).toString());
  }

  @Test
  void asksTheRunningStacksApiAndExplainsBadRequests() throws Exception {
    DataDirectory dataDir = new DataDirectory(dir.resolve("data"));
    try (DataDirectory.Lock lock = dataDir.lock();
        ClickHouseStore store = Stores.open(StoreConfig.embedded(dataDir.clickhouse().toString()))) {
      fill(store);
      try (ApiServer api = ApiServer.start(new InetSocketAddress("127.0.0.1", 0), store, Clock.systemUTC())) {
        dataDir.announce(new DataDirectory.RunningStack(ProcessHandle.current().pid(), api.url(), Instant.now()));

        Run run = agentwatch("query", "host_totals", "--format", "json", "--data-dir", dataDir.path().toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(2, JSON.readTree(run.out()).size());
        assertEquals(1, api.queriesServed(), "answered by the running stack's API");

        Run bad = agentwatch("query", "host_totals", "--param", "since=yesterday", "--data-dir", dataDir.path().toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("parameter since is 'yesterday', expected a time"), bad.err());

        HttpClient http = HttpClient.newHttpClient();
        assertEquals(405, http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/queries/host_totals"))
            .POST(HttpRequest.BodyPublishers.ofString("DROP TABLE flows")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/queries/secret")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("no named query 'secret'"), unknown.body());
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals("ok", JSON.readTree(health.body()).path("status").asText());
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/queries")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertTrue(list.body().contains("\"name\":\"alerts\""), list.body());

        IllegalStateException taken = assertThrows(IllegalStateException.class, dataDir::lock);
        assertTrue(taken.getMessage().contains("is in use by process " + ProcessHandle.current().pid()), taken.getMessage());
      }
    }
    assertTrue(dataDir.runningStack().isEmpty(), "the announcement goes with the lock");
  }

  @Test
  void aDataDirectoryWithoutDataSaysHowToGetSome() {
    Run run = agentwatch("query", "host_totals", "--data-dir", dir.resolve("empty").toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("no AgentWatch data in " + dir.resolve("empty") + ": start `agentwatch up`"), run.err());
  }

  @Test
  void bytesReadLikeNetworkTools() {
    assertEquals("999 B", io.agentwatch.api.ResultFormat.bytes(999));
    assertEquals("1.50 kB", io.agentwatch.api.ResultFormat.bytes(1500));
    assertEquals("75.0 MB", io.agentwatch.api.ResultFormat.bytes(75_000_000));
    assertEquals("115 MB", io.agentwatch.api.ResultFormat.bytes(115_200_727));
    assertEquals("2.30 GB", io.agentwatch.api.ResultFormat.bytes(2_300_000_000L));
  }
}
