package io.agentwatch.capture.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.source.CaptureCounters;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private MetricsServer server;

  @BeforeEach
  void start() throws IOException {
    server = new MetricsServer(new MetricsConfig("127.0.0.1", 0)).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void metricsServesEveryRegisteredSourceInTheTextFormat() throws Exception {
    AtomicLong sent = new AtomicLong(41);
    server.addSource(out -> out.counter("agentwatch_records_sent_total", "Records Kafka acknowledged.", sent.get()));
    server.addSource(out -> {
      out.gauge("agentwatch_spool_bytes", "Bytes waiting in the spool.", 8192);
      out.gauge("agentwatch_last_send_age_seconds", "Seconds since Kafka last acknowledged a record.", 1.5);
      out.counter("agentwatch_producer_errors_total", "Failed sends.", 2, "error", "Timeout \"metadata\"\\\nretry");
    });
    sent.incrementAndGet();

    HttpResponse<String> response = get("/metrics");

    assertEquals(200, response.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
    Exposition parsed = Exposition.parse(response.body());
    assertEquals(42, parsed.value("agentwatch_records_sent_total"));
    assertEquals(8192, parsed.value("agentwatch_spool_bytes"));
    assertEquals(1.5, parsed.value("agentwatch_last_send_age_seconds"));
    assertEquals(2, parsed.value("agentwatch_producer_errors_total", "error", "Timeout \"metadata\"\\\nretry"));
    assertEquals("counter", parsed.types.get("agentwatch_records_sent_total"));
    assertEquals("gauge", parsed.types.get("agentwatch_spool_bytes"));
    assertTrue(response.body().contains(
        "agentwatch_producer_errors_total{error=\"Timeout \\\"metadata\\\"\\\\\\nretry\"} 2\n"), response.body());
  }

  @Test
  void theSensorAdapterServesAValidScrape() throws Exception {
    server.addSource(new SensorMetrics(
        () -> new SensorStats(5, 3, Map.of("truncated", 2L), 1, 0, 0, 1, 1_000_000, CaptureCounters.NONE)));

    Exposition parsed = Exposition.parse(get("/metrics").body());

    assertEquals(5, parsed.value("agentwatch_packets_read_total"));
    assertEquals(2, parsed.value("agentwatch_decode_errors_total", "reason", "truncated"));
  }

  @Test
  void aFailingSourceFailsOnlyThatScrape() throws Exception {
    AtomicBoolean broken = new AtomicBoolean(true);
    server.addSource(out -> out.gauge("agentwatch_flows_active", "Flows open.", 3));
    server.addSource(out -> {
      if (broken.get()) {
        throw new IllegalStateException("spool directory vanished");
      }
      out.gauge("agentwatch_spool_bytes", "Bytes waiting in the spool.", 0);
    });

    HttpResponse<String> failed = get("/metrics");
    broken.set(false);
    HttpResponse<String> next = get("/metrics");

    assertEquals(500, failed.statusCode());
    assertTrue(failed.body().contains("spool directory vanished"), failed.body());
    assertEquals(200, next.statusCode());
    assertEquals(3, Exposition.parse(next.body()).value("agentwatch_flows_active"));
  }

  @Test
  void aSourceMisusingTheWriterGives500() throws Exception {
    server.addSource(out -> out.counter("agentwatch_packets_read", "No _total.", 1));

    HttpResponse<String> response = get("/metrics");

    assertEquals(500, response.statusCode());
    assertTrue(response.body().contains("must end in _total"), response.body());
  }

  @Test
  void healthIsOkWithoutChecksAndDegradedStillAnswers200() throws Exception {
    HttpResponse<String> ok = get("/health");
    assertEquals(200, ok.statusCode());
    assertEquals("application/json", ok.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("{\"status\":\"ok\",\"checks\":[]}\n", ok.body());

    server.addHealthCheck(Health::ok);
    server.addHealthCheck(() -> Health.degraded("spool: 12 MB waiting for Kafka"));
    HttpResponse<String> degraded = get("/health");

    assertEquals(200, degraded.statusCode());
    assertEquals("{\"status\":\"degraded\",\"checks\":[\"spool: 12 MB waiting for Kafka\"]}\n", degraded.body());
  }

  @Test
  void failingHealthAnswers503WithEveryReason() throws Exception {
    server.addHealthCheck(() -> Health.degraded("capture: 2% dropped"));
    server.addHealthCheck(() -> Health.failing("kafka: \"broker1:9092\" unreachable for 300 s"));

    HttpResponse<String> response = get("/health");

    assertEquals(503, response.statusCode());
    assertEquals("{\"status\":\"failing\",\"checks\":[\"capture: 2% dropped\","
        + "\"kafka: \\\"broker1:9092\\\" unreachable for 300 s\"]}\n", response.body());
  }

  @Test
  void aThrowingHealthCheckCountsAsFailing() throws Exception {
    AtomicReference<RuntimeException> problem = new AtomicReference<>(new IllegalStateException("no capture handle"));
    server.addHealthCheck(() -> {
      if (problem.get() != null) {
        throw problem.get();
      }
      return Health.ok();
    });

    HttpResponse<String> failing = get("/health");
    problem.set(null);
    HttpResponse<String> recovered = get("/health");

    assertEquals(503, failing.statusCode());
    assertTrue(failing.body().contains("no capture handle"), failing.body());
    assertEquals(200, recovered.statusCode());
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() throws Exception {
    assertEquals(404, get("/").statusCode());
    assertEquals(404, get("/metrics/extra").statusCode());
    assertEquals(404, get("/healthz").statusCode());
    assertEquals(200, get("/metrics?name=x").statusCode());

    HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")));
    HttpResponse<String> delete = send(HttpRequest.newBuilder(uri("/health")).DELETE());
    HttpResponse<String> head = send(HttpRequest.newBuilder(uri("/metrics")).method("HEAD", HttpRequest.BodyPublishers.noBody()));

    assertEquals(405, post.statusCode());
    assertEquals("GET", post.headers().firstValue("Allow").orElseThrow());
    assertEquals(405, delete.statusCode());
    assertEquals(405, head.statusCode());
    assertEquals("", head.body());
    assertEquals(200, get("/metrics").statusCode());
  }

  @Test
  void portZeroBindsAFreePortOnLoopbackAndTheDefaultsAreLoopback9464() {
    assertTrue(server.port() > 0);
    assertTrue(server.address().getAddress().isLoopbackAddress());
    assertEquals("127.0.0.1", MetricsConfig.defaults().host());
    assertEquals(9464, MetricsConfig.defaults().port());
  }

  @Test
  void aPortInUseIsReportedWithTheAddress() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      MetricsServer second = new MetricsServer(new MetricsConfig("127.0.0.1", taken.getLocalPort()));
      IOException e = assertThrows(IOException.class, second::start);
      assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
    }
  }

  @Test
  void badSettingsAreNamed() {
    IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
        () -> new MetricsServer(new MetricsConfig("127.0.0.1", 70000)));
    assertTrue(port.getMessage().startsWith("metrics.port"), port.getMessage());
    IllegalArgumentException host = assertThrows(IllegalArgumentException.class,
        () -> new MetricsServer(new MetricsConfig(" ", 0)));
    assertTrue(host.getMessage().startsWith("metrics.host"), host.getMessage());
  }

  @Test
  void itsThreadsAreDaemonsAndCloseStopsServing() throws Exception {
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    MetricsServer another = new MetricsServer(new MetricsConfig("127.0.0.1", 0)).start();
    int port = another.port();
    assertEquals(200, client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
    started.removeAll(before);

    another.close();
    another.close();

    assertTrue(started.stream().anyMatch(t -> t.getName().startsWith("agentwatch-metrics-")), started.toString());
    for (Thread thread : started) {
      if (thread.getName().startsWith("agentwatch-metrics-") || thread.getName().startsWith("HTTP-Dispatcher")) {
        assertTrue(thread.isDaemon(), thread + " is not a daemon");
      }
    }
    assertThrows(IOException.class, () -> client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
        HttpResponse.BodyHandlers.ofString()));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
