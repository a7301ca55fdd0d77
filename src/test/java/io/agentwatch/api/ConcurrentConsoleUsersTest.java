package io.agentwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several browser users at once: eight clients ask the overview page's queries over real HTTP, all
 * at the same time and again and again, while a large insert into {@code flows} runs (its rows
 * later than the range shown, so every answer must stay what one user alone got), and every
 * response is that answer.
 */
class ConcurrentConsoleUsersTest {

  private static final int USERS = 8;
  /** The range the overview shows: a past day holding the fill. */
  private static final String RANGE = "since=2026-11-01T00:00:00Z&until=2026-11-02T00:00:00Z";
  /** The overview page's requests (pages/overview.js), the range and bucket it sends. */
  private static final List<String> OVERVIEW = List.of("fleet_summary?" + RANGE,
      "fleet_overview?" + RANGE + "&bucket_seconds=3600&columns=time,vendor,bytes_up",
      "top_hosts?" + RANGE, "incidents?" + RANGE + "&limit=10", "new_vendor_pairs?" + RANGE);

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void eightUsersAskingTheOverviewDuringAnInsertEachGetTheSingleUserAnswer() throws Exception {
    try (ClickHouseStore store = Stores.open(StoreConfig.embedded(dir.resolve("store").toString()))) {
      Migrations.bundled(store).apply();
      store.execute(flows(50_000, 0, "toDateTime64('2026-11-01 00:00:00', 6, 'UTC') + toIntervalSecond(number % 86400)"));
      store.execute("INSERT INTO alerts (alert_id, detector, host, vendor, service, window_start, window_end, observed, baseline,"
          + " score, top_flows, reason) SELECT 'a-' || toString(number), 'upload-spike', 'host-' || toString(number % 40),"
          + " 'vendor-' || toString(number % 8), 'api', toDateTime('2026-11-01 00:00:00', 'UTC') + number * 3600,"
          + " toDateTime('2026-11-01 00:01:00', 'UTC') + number * 3600, 1e8, 1e6, 100, [], 'uploaded a lot' FROM numbers(20)");

      try (ApiServer api = ApiServer.start(new InetSocketAddress("127.0.0.1", 0), store, Clock.systemUTC())) {
        Map<String, JsonNode> alone = new LinkedHashMap<>();
        for (String request : OVERVIEW) {
          alone.put(request, rows(api, request));
        }
        assertEquals(50_000, alone.get(OVERVIEW.get(0)).get(0).path("flows").asLong(), "the day's flows, one user alone");
        assertEquals(10, alone.get(OVERVIEW.get(3)).size(), "the newest incidents, one user alone");

        AtomicBoolean inserting = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(USERS + 1);
        try {
          // Rows of later days: the range's answers must not change while they arrive.
          Future<?> insert = pool.submit(() -> {
            try {
              store.execute(flows(300_000, 1_000_000, "toDateTime64('2026-11-05 00:00:00', 6, 'UTC') + toIntervalSecond(number % 864000)"));
            } finally {
              inserting.set(false);
            }
            return null;
          });
          AtomicInteger pagesDuringTheInsert = new AtomicInteger();
          List<Future<Integer>> users = new ArrayList<>();
          for (int u = 0; u < USERS; u++) {
            users.add(pool.submit(() -> {
              int pages = 0;
              do {
                for (String request : OVERVIEW) {
                  assertEquals(alone.get(request), rows(api, request), request + " with " + USERS + " users at once");
                }
                pages++;
                if (inserting.get()) {
                  pagesDuringTheInsert.incrementAndGet();
                }
              } while (inserting.get() || pages < 2);
              return pages;
            }));
          }
          for (Future<Integer> user : users) {
            assertTrue(user.get() >= 2);
          }
          insert.get();
          assertTrue(pagesDuringTheInsert.get() >= USERS, "every user was served while the insert ran: "
              + pagesDuringTheInsert.get() + " pages during the insert");
          assertEquals("350000\n", store.query("SELECT count() FROM flows"), "the insert went through");
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  /** {@code count} flows rows of 40 hosts and 8 vendors, sequence from {@code first}, at {@code time} (of number). */
  private static String flows(long count, long first, String time) {
    return "INSERT INTO flows (sensor_id, sequence, host, host_team, src_ip, dst_ip, dst_port, transport, first_seen, last_seen,"
        + " packets_up, packets_down, bytes_up, bytes_down, vendor, service, category, identified_by, end_reason)"
        + " SELECT 'sensor-1', " + first + " + number, 'host-' || toString(number % 40), 'team-' || toString(number % 5),"
        + " toIPv6('10.0.0.1'), toIPv6('160.79.104.10'), 443, 'tcp', " + time + " - 1, " + time + ", 10, 20,"
        + " 1000 + number % 7919, 5000, 'vendor-' || toString(number % 8), 'api', 'llm-api', 'sni', 'fin' FROM numbers(" + count + ")";
  }

  private JsonNode rows(ApiServer api, String request) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/queries/" + request))
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), request + ": " + response.body());
    JsonNode rows = QueryResult.JSON.readTree(response.body()).path("rows");
    assertFalse(rows.isMissingNode(), request + ": " + response.body());
    return rows;
  }
}
