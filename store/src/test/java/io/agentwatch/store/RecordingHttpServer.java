package io.agentwatch.store;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for a ClickHouse HTTP interface in tests without a server: records each request the
 * client sends (query parameters and body) and answers with a canned status, headers and body.
 * It checks nothing about ClickHouse itself; what it records is replayed into the real engine.
 * {@code SELECT version()}, which the store asks when it opens, is answered with {@link #VERSION}
 * (or {@link #answerVersionWith}).
 */
final class RecordingHttpServer implements AutoCloseable {

  record Request(String method, Map<String, String> parameters, Map<String, List<String>> headers, byte[] body) {

    /** The first value of a header, whatever its case on the wire; null when absent. */
    String header(String name) {
      return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
          .map(entry -> entry.getValue().get(0)).findFirst().orElse(null);
    }
  }

  record Answer(int status, Map<String, String> headers, String body) {}

  static final String VERSION = "26.7.3.1";

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Answer answer = new Answer(200, Map.of(), "");
  private volatile String version = VERSION;

  RecordingHttpServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void answerWith(int status, Map<String, String> headers, String body) {
    answer = new Answer(status, headers, body);
  }

  /** What {@code SELECT version()} answers from now on. */
  void answerVersionWith(String text) {
    version = text;
  }

  List<Request> requests() {
    return requests;
  }

  private void handle(HttpExchange exchange) throws IOException {
    Map<String, String> parameters = new LinkedHashMap<>();
    String rawQuery = exchange.getRequestURI().getRawQuery();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        int equals = pair.indexOf('=');
        String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
        String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
        parameters.put(key, value);
      }
    }
    byte[] body = exchange.getRequestBody().readAllBytes();
    requests.add(new Request(exchange.getRequestMethod(), parameters, Map.copyOf(exchange.getRequestHeaders()), body));
    Answer current = new String(body, StandardCharsets.UTF_8).equals("SELECT version()")
        ? new Answer(200, Map.of(), version + "\n") : answer;
    current.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    byte[] responseBody = current.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(current.status(), responseBody.length == 0 ? -1 : responseBody.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(responseBody);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
