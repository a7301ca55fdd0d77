package io.agentwatch.capture.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sensor's metrics and health endpoint, on the JDK's HTTP server:
 *
 * <ul>
 *   <li>{@code GET /metrics}: every registered {@link MetricsSource} in the Prometheus text format
 *       0.0.4; if a source throws, that scrape answers 500 (and the failure is logged), the next
 *       one is tried afresh.
 *   <li>{@code GET /health}: {@code {"status":"ok|degraded|failing","checks":[reasons...]}}, the
 *       worst of the registered {@link HealthCheck}s; HTTP 200 for ok and degraded, 503 for
 *       failing (so a load balancer or a probe restarts only what is really down).
 *   <li>any other path 404; any other method on these paths 405.
 * </ul>
 *
 * <p>Sources and checks may be added before or after {@link #start()}. The server's threads are
 * daemons (two handler threads and the JDK's dispatcher), so an unclosed server never keeps the JVM
 * alive; {@link #close()} stops it.
 */
public final class MetricsServer implements AutoCloseable {

  public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  public static final String HEALTH_CONTENT_TYPE = "application/json";

  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
  private static final int HANDLER_THREADS = 2;

  private final MetricsConfig config;
  private final List<MetricsSource> sources = new CopyOnWriteArrayList<>();
  private final List<HealthCheck> checks = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private ExecutorService executor;

  public MetricsServer(MetricsConfig config) {
    this.config = config.validate();
  }

  public MetricsServer addSource(MetricsSource source) {
    sources.add(source);
    return this;
  }

  public MetricsServer addHealthCheck(HealthCheck check) {
    checks.add(check);
    return this;
  }

  /**
   * Binds the address and starts serving.
   *
   * @throws IOException naming the address if it cannot be bound (in use, not local)
   * @throws IllegalArgumentException if the host does not resolve
   */
  public synchronized MetricsServer start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("metrics server already started on " + address());
    }
    InetSocketAddress address = config.socketAddress();
    HttpServer http;
    try {
      http = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new IOException("metrics: cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    ExecutorService handlers = Executors.newFixedThreadPool(HANDLER_THREADS, daemonThreads());
    http.setExecutor(handlers);
    http.createContext("/", this::handle);
    startAsDaemon(http);
    this.server = http;
    this.executor = handlers;
    log.info("metrics: serving /metrics and /health on http://{}:{}/", config.host(), port());
    return this;
  }

  /** The bound address, e.g. to learn the port chosen for port 0. */
  public synchronized InetSocketAddress address() {
    if (server == null) {
      throw new IllegalStateException("metrics server not started");
    }
    return server.getAddress();
  }

  public int port() {
    return address().getPort();
  }

  /** One scrape's text, as {@code GET /metrics} serves it; throws what a source throws. */
  public String metricsText() {
    MetricsWriter writer = new MetricsWriter();
    for (MetricsSource source : sources) {
      source.writeTo(writer);
    }
    return writer.text();
  }

  /** All checks combined, as {@code GET /health} serves it; a throwing check counts as failing. */
  public Health health() {
    List<Health> results = new ArrayList<>(checks.size());
    for (HealthCheck check : checks) {
      try {
        results.add(check.check());
      } catch (RuntimeException e) {
        log.warn("metrics: a health check failed", e);
        results.add(Health.failing("health check failed: " + describe(e)));
      }
    }
    return Health.combine(results);
  }

  /** Stops serving at once (open exchanges are cut) and ends the handler threads. Idempotent. */
  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    server.stop(0);
    executor.shutdownNow();
    server = null;
    executor = null;
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      boolean metrics = "/metrics".equals(path);
      if (!metrics && !"/health".equals(path)) {
        respond(exchange, 404, "text/plain; charset=utf-8", "not found: " + path + " (try /metrics or /health)\n");
      } else if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        respond(exchange, 405, "text/plain; charset=utf-8", exchange.getRequestMethod() + " not allowed, only GET\n");
      } else if (metrics) {
        serveMetrics(exchange);
      } else {
        serveHealth(exchange);
      }
    } catch (IOException e) {
      log.debug("metrics: could not answer {}: {}", exchange.getRequestURI(), e.toString());
    }
  }

  private void serveMetrics(HttpExchange exchange) throws IOException {
    String text;
    try {
      text = metricsText();
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      log.warn("metrics: a metrics source failed; answering this scrape with 500", e);
      respond(exchange, 500, "text/plain; charset=utf-8", "a metrics source failed: " + describe(e) + "\n");
      return;
    }
    respond(exchange, 200, METRICS_CONTENT_TYPE, text);
  }

  private void serveHealth(HttpExchange exchange) throws IOException {
    Health health = health();
    int code = health.status() == Health.Status.FAILING ? 503 : 200;
    respond(exchange, code, HEALTH_CONTENT_TYPE, healthJson(health));
  }

  /** {@code {"status":"degraded","checks":["spool: 12 MB waiting"]}} and a line feed. */
  static String healthJson(Health health) {
    StringBuilder json = new StringBuilder(64);
    json.append("{\"status\":\"").append(health.status().label()).append("\",\"checks\":[");
    for (int i = 0; i < health.reasons().size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      jsonString(health.reasons().get(i), json);
    }
    return json.append("]}\n").toString();
  }

  private static void jsonString(String text, StringBuilder json) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }

  private static void respond(HttpExchange exchange, int code, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    // A HEAD answer carries no body; the JDK wants -1 ("no body") rather than the body's length.
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(code, head || bytes.length == 0 ? -1 : bytes.length);
    if (!head && bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /**
   * The JDK's dispatcher thread inherits the daemon flag of the thread that calls start(), so start
   * it from a daemon thread: a forgotten server must not keep the JVM from exiting.
   */
  private static void startAsDaemon(HttpServer http) {
    Thread starter = new Thread(http::start, "agentwatch-metrics-start");
    starter.setDaemon(true);
    starter.start();
    boolean interrupted = false;
    while (true) {
      try {
        starter.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "agentwatch-metrics-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
