package io.agentwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.agentwatch.capture.metrics.Health;
import io.agentwatch.capture.metrics.HealthCheck;
import io.agentwatch.capture.metrics.MetricsSource;
import io.agentwatch.capture.metrics.MetricsWriter;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.NamedQueries;
import io.agentwatch.store.NamedQuery;
import io.agentwatch.store.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only HTTP API of a running stack, JSON throughout. It runs the named queries of
 * {@code sql/queries/} and nothing else: no request carries SQL.
 *
 * <pre>
 * GET /api/health                      {"status":"ok|degraded|failing","store":"...","checks":[...]} (503 when failing)
 * GET /metrics                         Prometheus text format: rows per table, consumer lag, checkpoint age, ...
 * GET /api/queries                     every named query: name, description, parameters
 * GET /api/queries/NAME?PARAM=VALUE    {"columns":[{"name","type"}...],"rows":[{column: value}...]}
 *     &amp;columns=A,B                     only those columns: the store skips the work of the others
 * GET /api/alerts?since=24h&amp;host=H&amp;vendor=V&amp;limit=N   the same for the alerts query
 * GET /                                the web console (files of src/main/resources/console, ECharts from its webjar)
 * </pre>
 *
 * With a token ({@link HttpConfig}) every request under /api and /metrics carries
 * {@code Authorization: Bearer TOKEN} or is answered 401; every response carries the security
 * headers of {@link SecurityHeaders}.
 *
 * Times are ISO-8601 UTC, 64-bit integers JSON numbers.
 *
 * A bad parameter answers 400 and an unknown query 404, with {"error": "..."} naming the problem.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  /** ClickHouse's error code for a name the query does not know (a column asked for that the result lacks). */
  private static final int UNKNOWN_IDENTIFIER = 47;

  private final HttpServer server;
  private final ExecutorService executor;
  private final ClickHouseStore store;
  private final Clock clock;
  private final MetricsSource metrics;
  private final HealthCheck health;
  private final AtomicLong queriesServed = new AtomicLong();

  private ApiServer(HttpServer server, ExecutorService executor, ClickHouseStore store, Clock clock,
      MetricsSource metrics, HealthCheck health) {
    this.server = server;
    this.executor = executor;
    this.store = store;
    this.clock = clock;
    this.metrics = metrics;
    this.health = health;
  }

  /** Starts serving on {@code address} (port 0: any free port, see {@link #url()}); health is the store's answer. */
  public static ApiServer start(InetSocketAddress address, ClickHouseStore store, Clock clock) throws IOException {
    return start(address, HttpConfig.OPEN, store, clock, out -> { }, () -> {
      try {
        store.query("SELECT 1");
        return Health.ok();
      } catch (StoreException | RuntimeException e) {
        return Health.failing("the store does not answer: " + e.getMessage());
      }
    });
  }

  /**
   * Starts serving the API, the stack's Prometheus series at {@code GET /metrics}, its health at
   * {@code GET /api/health} and the web console at {@code /}; over HTTPS and behind a bearer
   * token as {@code http} says.
   *
   * @throws IllegalArgumentException for an address off loopback without a token, or unusable TLS files
   */
  public static ApiServer start(InetSocketAddress address, HttpConfig http, ClickHouseStore store, Clock clock,
      MetricsSource metrics, HealthCheck health) throws IOException {
    http.requireAuthenticationOffLoopback(address);
    return serve(address, http, store, clock, metrics, health);
  }

  private static ApiServer serve(InetSocketAddress address, HttpConfig http, ClickHouseStore store, Clock clock,
      MetricsSource metrics, HealthCheck health) throws IOException {
    HttpServer server;
    if (http.tls()) {
      HttpsServer https = HttpsServer.create(address, 16);
      https.setHttpsConfigurator(new HttpsConfigurator(PemTls.serverContext(http.tlsCertificate(), http.tlsKey())));
      server = https;
    } else {
      server = HttpServer.create(address, 16);
    }
    // Several browser users at once: a console page asks for some ten queries in parallel.
    ExecutorService executor = Executors.newFixedThreadPool(8, runnable -> {
      Thread thread = new Thread(runnable, "api");
      thread.setDaemon(true);
      return thread;
    });
    ApiServer api = new ApiServer(server, executor, store, clock, metrics, health);
    Filter headers = SecurityHeaders.filter(http.tls());
    Filter token = SecurityHeaders.requireToken(http);
    server.createContext("/api/", api::handle).getFilters().addAll(List.of(headers, token));
    // Liveness and readiness probes carry no token; health tells no fleet data.
    server.createContext("/api/health", api::handle).getFilters().add(headers);
    server.createContext("/metrics", api::metrics).getFilters().addAll(List.of(headers, token));
    // The console's files hold no data: the page loads, then asks for the token the API requires.
    server.createContext("/", ConsoleFiles::serve).getFilters().add(headers);
    server.setExecutor(executor);
    server.start();
    LOG.info("HTTP API and console at {} ({})", api.url(), http);
    return api;
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
    return (server instanceof HttpsServer ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        send(exchange, 405, error("the API is read-only: GET only"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      try {
        Map<String, String> parameters = parameters(exchange.getRequestURI().getRawQuery());
        if (path.equals("/api/health")) {
          health(exchange);
        } else if (path.equals("/api/queries")) {
          send(exchange, 200, queries());
        } else if (path.startsWith("/api/queries/")) {
          send(exchange, 200, run(path.substring("/api/queries/".length()), parameters));
        } else if (path.equals("/api/alerts")) {
          send(exchange, 200, run("alerts", parameters));
        } else {
          send(exchange, 404, error("no such resource: " + path + " (see /api/queries)"));
        }
      } catch (UnknownQueryException e) {
        send(exchange, 404, error(e.getMessage()));
      } catch (IllegalArgumentException e) {
        send(exchange, 400, error(e.getMessage()));
      } catch (StoreException | RuntimeException e) {
        LOG.warn("{} failed: {}", path, e.toString());
        send(exchange, 503, error("the store failed: " + e.getMessage()));
      }
    }
  }

  private void health(HttpExchange exchange) throws IOException {
    Health result;
    try {
      result = health.check();
    } catch (RuntimeException e) {
      result = Health.failing(e.toString());
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("status", result.status().label());
    body.put("store", store.describe());
    ArrayNode reasons = body.putArray("checks");
    result.reasons().forEach(reasons::add);
    send(exchange, result.status() == Health.Status.FAILING ? 503 : 200, body);
  }

  /** Prometheus text format 0.0.4; a source that fails answers 500. */
  private void metrics(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] bytes;
      int status = 200;
      try {
        MetricsWriter out = new MetricsWriter();
        out.counter("agentwatch_api_queries_total", "named queries the HTTP API answered", queriesServed.get());
        metrics.writeTo(out);
        bytes = out.text().getBytes(StandardCharsets.UTF_8);
      } catch (RuntimeException e) {
        status = 500;
        bytes = ("metrics failed: " + e + "\n").getBytes(StandardCharsets.UTF_8);
      }
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static ArrayNode queries() {
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    for (String name : NamedQueries.names()) {
      NamedQuery query = NamedQueries.get(name);
      ObjectNode entry = list.addObject().put("name", name).put("description", query.description());
      ArrayNode parameters = entry.putArray("parameters");
      for (NamedQuery.Parameter parameter : query.parameters()) {
        parameters.addObject()
            .put("name", parameter.name())
            .put("type", parameter.type().name())
            .put("default", parameter.defaultValue())
            .put("description", parameter.description());
      }
    }
    return list;
  }

  private JsonNode run(String name, Map<String, String> parameters) throws StoreException {
    NamedQuery query;
    try {
      query = NamedQueries.get(name);
    } catch (IllegalArgumentException e) {
      throw new UnknownQueryException(e.getMessage());
    }
    Map<String, String> values = new LinkedHashMap<>(parameters);
    String columns = values.remove(NamedQuery.COLUMNS);
    String sql = columns == null
        ? query.render(values, clock.instant())
        : query.render(values, clock.instant(), List.of(columns.split(",", -1)));
    QueryResult result;
    try {
      result = QueryResult.run(store, sql);
    } catch (StoreException e) {
      if (columns != null && e.clickHouseCode() == UNKNOWN_IDENTIFIER) {
        throw new IllegalArgumentException("query " + name + " has no column among " + columns
            + " (GET /api/queries/" + name + " without columns shows them all)");
      }
      throw e;
    }
    queriesServed.incrementAndGet();
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.set("columns", result.columnsJson());
    body.set("rows", result.toJson());
    return body;
  }

  private static Map<String, String> parameters(String rawQuery) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      if (parameters.put(key, value) != null) {
        throw new IllegalArgumentException("parameter '" + key + "' given twice");
      }
    }
    return parameters;
  }

  private static ObjectNode error(String message) {
    return JsonNodeFactory.instance.objectNode().put("error", message);
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = QueryResult.JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Named queries answered (with rows) since the start: for metrics. */
  public long queriesServed() {
    return queriesServed.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static final class UnknownQueryException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownQueryException(String message) {
      super(message);
    }
  }
}
