package io.agentwatch.delivery;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP receiver on loopback (the JDK's HttpServer): records every request and answers with
 * a chosen status; can be stopped and started again on the same port, as a webhook, Slack or
 * Splunk HEC endpoint that goes away for a while.
 */
final class WebhookServer implements AutoCloseable {

  /** One request as received. */
  record Request(String path, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
          .map(e -> e.getValue().get(0)).orElse(null);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private int port;
  private HttpServer server;

  static WebhookServer start() throws IOException {
    WebhookServer webhook = new WebhookServer();
    webhook.listen();
    return webhook;
  }

  /** Listens again on the port it had (a new one the first time). */
  synchronized void listen() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
    server.createContext("/", exchange -> {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      int answer = status.get();
      if (answer / 100 == 2) {
        requests.add(new Request(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
      }
      byte[] reply = (answer / 100 == 2 ? "{\"text\":\"Success\",\"code\":0}" : "{\"error\":\"rejected by test\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer, reply.length);
      exchange.getResponseBody().write(reply);
      exchange.close();
      if (answer / 100 != 2) {
        rejected.incrementAndGet();
      }
    });
    server.start();
    port = server.getAddress().getPort();
  }

  private final AtomicInteger rejected = new AtomicInteger();

  synchronized void stop() {
    server.stop(0);
  }

  void answer(int code) {
    status.set(code);
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** Requests answered 2xx, in arrival order. */
  List<Request> accepted() {
    return new ArrayList<>(requests);
  }

  int rejectedCount() {
    return rejected.get();
  }

  @Override
  public void close() {
    stop();
  }
}
