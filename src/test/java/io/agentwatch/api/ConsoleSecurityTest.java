package io.agentwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentwatch.capture.metrics.Health;
import io.agentwatch.cli.AgentWatch;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.Stores;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Who may read the console and the API, and what a request can reach: a token off loopback, the
 * token checked, parameters bound as values (no SQL from a request), no file outside the
 * console's, HTTPS from PEM files, the security headers.
 */
class ConsoleSecurityTest {

  private static final String TOKEN = "a-token-of-32-characters-0123456";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static ClickHouseStore store;

  /** A store with one alert for host build-42 and one flow row. */
  @BeforeAll
  static void fill() throws Exception {
    store = Stores.open(StoreConfig.embedded(dir.resolve("clickhouse").toString()));
    Migrations.bundled(store).apply();
    store.execute("INSERT INTO alerts (alert_id, detector, host, vendor, service, window_start, window_end, observed,"
        + " baseline, score, top_flows, reason) SELECT 'a-1', 'upload-spike', 'build-42', 'openai', 'api',"
        + " toStartOfMinute(now() - INTERVAL 2 HOUR), toStartOfMinute(now() - INTERVAL 2 HOUR) + 60, 75000000, 57000, 1300,"
        + " [], 'build-42 uploaded 75 MB to openai'");
  }

  @AfterAll
  static void close() {
    store.close();
  }

  private static ApiServer start(InetSocketAddress address, HttpConfig http) throws Exception {
    return ApiServer.start(address, http, store, Clock.systemUTC(), out -> { }, Health::ok);
  }

  private static HttpResponse<String> get(String url, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void offLoopbackWithoutATokenTheServerDoesNotStart() throws Exception {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> start(new InetSocketAddress("0.0.0.0", 0), HttpConfig.OPEN));
    assertTrue(refused.getMessage().contains("not a loopback address and no token is set"), refused.getMessage());
    assertTrue(refused.getMessage().contains("http.token-file"), "names the setting: " + refused.getMessage());

    StringWriter err = new StringWriter();
    CommandLine up = AgentWatch.commandLine();
    up.setErr(new PrintWriter(err));
    int exit = up.execute("up", "--http", "0.0.0.0:0", "--data-dir", dir.resolve("up").toString());
    assertEquals(2, exit, err.toString());
    assertTrue(err.toString().contains("--http 0.0.0.0:0 is not a loopback address and no token is set"), err.toString());
  }

  @Test
  void withATokenAnonymousAndWrongTokensAreRefusedOffLoopbackToo() throws Exception {
    try (ApiServer api = start(new InetSocketAddress("0.0.0.0", 0), new HttpConfig(TOKEN, null, null))) {
      String url = "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + api.url().replaceAll(".*:", "");
      for (String path : List.of("/api/queries/alerts", "/api/alerts", "/api/queries", "/metrics")) {
        HttpResponse<String> anonymous = get(url + path, null);
        assertEquals(401, anonymous.statusCode(), path + " without a token: " + anonymous.body());
        assertEquals("Bearer realm=\"agentwatch\"", anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
        assertFalse(anonymous.body().contains("build-42"), anonymous.body());
        assertEquals(401, get(url + path, "Bearer " + TOKEN.substring(1)).statusCode(), path + " with a wrong token");
        assertEquals(401, get(url + path, "Basic " + TOKEN).statusCode(), path + " with another scheme");
      }
      HttpResponse<String> admitted = get(url + "/api/queries/alerts", "Bearer " + TOKEN);
      assertEquals(200, admitted.statusCode(), admitted.body());
      assertTrue(admitted.body().contains("build-42"), admitted.body());
      // The console's page holds no data: it loads, then asks for the token. Health is for probes.
      assertEquals(200, get(url + "/", null).statusCode());
      HttpResponse<String> health = get(url + "/api/health", null);
      assertEquals(200, health.statusCode(), health.body());
      assertFalse(health.body().contains("build-42"), health.body());
    }
  }

  @Test
  void aParameterThatTriesSqlInjectionIsAnsweredAsALiteral() throws Exception {
    try (ApiServer api = start(new InetSocketAddress("127.0.0.1", 0), HttpConfig.OPEN)) {
      assertEquals(1, rows(api, "alerts", "").size(), "the stored alert");
      for (String attempt : List.of("x' OR 1=1 --", "x' OR '1'='1", "build-42' --", "'; DROP TABLE alerts; --",
          "build-42\\' OR 1=1 --")) {
        JsonNode rows = rows(api, "alerts", "host=" + URLEncoder.encode(attempt, StandardCharsets.UTF_8));
        assertEquals(0, rows.size(), "host=" + attempt + " is a host name nobody has: " + rows);
      }
      HttpResponse<String> notANumber = get(api.url() + "/api/queries/alerts?limit="
          + URLEncoder.encode("1; DROP TABLE alerts", StandardCharsets.UTF_8), null);
      assertEquals(400, notANumber.statusCode(), notANumber.body());
      assertEquals(1, rows(api, "alerts", "").size(), "the alert is still there");
    }
  }

  @Test
  void askedColumnsAreNamesOfTheResultAndNothingElse() throws Exception {
    try (ApiServer api = start(new InetSocketAddress("127.0.0.1", 0), HttpConfig.OPEN)) {
      JsonNode narrowed = rows(api, "alerts", "columns=host,alert_id");
      assertEquals(1, narrowed.size(), narrowed.toString());
      assertEquals(List.of("host", "alert_id"), iterable(narrowed.get(0).fieldNames()), narrowed.toString());
      assertEquals("build-42", narrowed.get(0).path("host").asText());
      for (String attempt : List.of("alert_id FROM alerts --", "alert_id,(SELECT 1)", "*", "alert_id;DROP TABLE alerts", "")) {
        HttpResponse<String> refused = get(api.url() + "/api/queries/alerts?columns="
            + URLEncoder.encode(attempt, StandardCharsets.UTF_8), null);
        assertEquals(400, refused.statusCode(), attempt + " -> " + refused.body());
      }
      HttpResponse<String> unknown = get(api.url() + "/api/queries/alerts?columns=host,password", null);
      assertEquals(400, unknown.statusCode(), unknown.body());
      assertTrue(unknown.body().contains("query alerts has no column among host,password"), unknown.body());
      assertEquals(1, rows(api, "alerts", "").size(), "the alert is still there");
    }
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> list = new java.util.ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }

  private static JsonNode rows(ApiServer api, String query, String parameters) throws Exception {
    HttpResponse<String> response = get(api.url() + "/api/queries/" + query + "?" + parameters, null);
    assertEquals(200, response.statusCode(), response.body());
    return QueryResult.JSON.readTree(response.body()).path("rows");
  }

  @Test
  void onlyTheConsolesOwnFilesAreServed() throws Exception {
    try (ApiServer api = start(new InetSocketAddress("127.0.0.1", 0), HttpConfig.OPEN)) {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(api.url().replaceAll(".*:", "")));
      assertTrue(raw(address, "/").startsWith("HTTP/1.1 200"), "the console's page");
      assertTrue(raw(address, "/app.js").startsWith("HTTP/1.1 200"));
      assertTrue(raw(address, "/vendor/echarts.min.js").startsWith("HTTP/1.1 200"), "ECharts from its webjar");
      // Each reaches a real file if the path were joined to a folder: the class files, the
      // queries, the system's. Sent raw, as a browser would never normalise them.
      for (String path : List.of("/../io/agentwatch/api/ApiServer.class", "/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd",
          "/pages/../../sql/queries/alerts.sql", "/..\\..\\etc\\passwd", "//etc/passwd", "/vendor/../../META-INF/MANIFEST.MF",
          "/sql/queries/alerts.sql", "/log4j2.xml", "/META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
        String response = raw(address, path);
        assertTrue(response.startsWith("HTTP/1.1 404") || response.startsWith("HTTP/1.1 400"), path + " -> " + response);
        assertFalse(response.contains("root:") || response.contains("SELECT") || response.contains("Manifest-Version")
            || response.contains("version="), path + " leaked: " + response);
      }
    }
  }

  /** One request as bytes on a socket: the path exactly as written, no client normalising it. */
  private static String raw(InetSocketAddress address, String path) throws Exception {
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      in.transferTo(response);
      return response.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() throws Exception {
    try (ApiServer api = start(new InetSocketAddress("127.0.0.1", 0), HttpConfig.OPEN)) {
      for (String path : List.of("/", "/app.js", "/api/queries/alerts", "/no-such-file.js", "/metrics")) {
        HttpResponse<String> response = get(api.url() + path, null);
        String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'self';") && !csp.contains("unsafe-eval"), path + ": " + csp);
        assertTrue(csp.contains("frame-ancestors 'none'"), path + ": " + csp);
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""), path);
        assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(""), path);
        assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(""), path);
      }
      String page = get(api.url() + "/", null).body();
      assertFalse(page.matches("(?s).*<script(?![^>]*\\bsrc=)[^>]*>.*"), "no inline script in the page: " + page);
      assertFalse(page.matches("(?s).*\\son[a-z]+=.*"), "no inline event handler in the page");
    }
  }

  @Test
  void servesHttpsFromPemFiles() throws Exception {
    Path key = dir.resolve("key.pem");
    Path certificate = dir.resolve("certificate.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
        "-keyout", key.toString(), "-out", certificate.toString()).redirectErrorStream(true).start();
    String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, openssl.waitFor(), output);

    try (ApiServer api = start(new InetSocketAddress("127.0.0.1", 0), new HttpConfig(TOKEN, certificate, key))) {
      assertTrue(api.url().startsWith("https://127.0.0.1:"), api.url());
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      try (InputStream in = Files.newInputStream(certificate)) {
        trusted.setCertificateEntry("agentwatch", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/queries/alerts"))
          .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      assertTrue(response.body().contains("build-42"));
      assertTrue(response.headers().firstValue("Strict-Transport-Security").isPresent());
    }
  }
}
