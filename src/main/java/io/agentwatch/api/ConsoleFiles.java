package io.agentwatch.api;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The web console's files, only from the packaged resources: {@code console/} of this module and
 * ECharts from its webjar. A path names a file by letters, digits, '-', '_' and one extension,
 * so no request reaches outside those folders ('..', '%2e', '\', '//' never match).
 */
final class ConsoleFiles {

  private static final String ROOT = "console/";
  /** ECharts' self-contained build, from the org.webjars.npm:echarts jar (its version is the root pom's). */
  private static final String ECHARTS = "META-INF/resources/webjars/echarts/" + webjarVersion("echarts") + "/dist/echarts.min.js";
  private static final Pattern SAFE_PATH = Pattern.compile("/(?:[a-z0-9_-]+/)*[a-z0-9_-]+\\.(?:html|js|css|svg)");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml");

  private ConsoleFiles() {
  }

  private static String webjarVersion(String name) {
    Properties properties = new Properties();
    try (InputStream in = ConsoleFiles.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars.npm/" + name + "/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the webjar org.webjars.npm:" + name + " is not on the class path");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  static void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        text(exchange, 405, "the console is read-only: GET only");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String resource = path.equals("/") ? ROOT + "index.html"
          : path.equals("/vendor/echarts.min.js") ? ECHARTS
          : SAFE_PATH.matcher(path).matches() ? ROOT + path.substring(1)
          : null;
      InputStream in = resource == null ? null : ConsoleFiles.class.getClassLoader().getResourceAsStream(resource);
      if (in == null) {
        text(exchange, 404, "no such file: " + path);
        return;
      }
      byte[] bytes;
      try (in) {
        bytes = in.readAllBytes();
      }
      String extension = resource.substring(resource.lastIndexOf('.') + 1);
      exchange.getResponseHeaders().set("Content-Type", TYPES.get(extension));
      // The files change with the version; revalidating is cheap on loopback and avoids a stale console.
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(200, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  private static void text(HttpExchange exchange, int status, String message) throws IOException {
    byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
