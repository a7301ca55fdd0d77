package io.agentwatch.chhttp;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.StatementResult;
import io.agentwatch.store.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store served over ClickHouse's HTTP interface, so Grafana's ClickHouse data source
 * and the ClickHouse JDBC driver connect to a one-machine AgentWatch as to a server: read-only for
 * its user; with a writer user configured, that user also writes, so a job on a Flink cluster or
 * another {@code up --clickhouse} stores into this one-machine store through
 * {@link io.agentwatch.store.RemoteClickHouseStore}.
 *
 * <p>The part of the protocol served (from ClickHouse's "HTTP Interface" documentation and what
 * the official clients send and read):
 * <ul>
 *   <li>{@code GET /ping}, {@code GET /} without a query: {@code Ok.}
 *   <li>{@code GET|POST /?query=...}: the query from the {@code query} URL parameter, the POST body,
 *       or both joined by a line feed; output in the query's FORMAT clause, else
 *       {@code default_format} (or the {@code X-ClickHouse-Format} header), else TabSeparated.
 *   <li>{@code database} (or {@code X-ClickHouse-Database}): the current database.
 *   <li>every other URL parameter is a setting, {@code param_NAME} a query parameter; both are set
 *       before {@code readonly=1}, which every query runs with (see
 *       {@link EmbeddedChdbStore#queryReadOnly}). {@code readonly=0} is refused, as a server does for a
 *       read-only user. Client-side parameters ({@code query_id}, {@code session_id}, {@code user},
 *       {@code compress}, ...) are read here and not passed on.
 *   <li>{@code compress=1}: the body in ClickHouse's compressed-block framing ({@link CompressedBlocks}).
 *   <li>the user from {@code X-ClickHouse-User}/{@code X-ClickHouse-Key}, HTTP Basic, or the
 *       {@code user}/{@code password} parameters; a configured password is compared in constant time.
 *   <li>the writer (its name and password given): any statement, without readonly; URL parameters
 *       are its settings ({@code insert_deduplication_token}, ...). An INSERT with data (FORMAT or
 *       VALUES; the statement in the {@code query} parameter or at the head of the body, as
 *       client-v2 and curl send them) goes through the engine's streaming insert ({@link ClientInsert}).
 *       Request bodies must be uncompressed.
 *   <li>response headers {@code X-ClickHouse-Query-Id}, {@code -Format}, {@code -Timezone},
 *       {@code -Server-Display-Name}, {@code -Summary}; errors as the server sends them: the
 *       engine's "Code: N. DB::Exception: ..." text, {@code X-ClickHouse-Exception-Code: N}, and
 *       the HTTP status the server gives that code.
 * </ul>
 * Sessions ({@code session_id}) are not kept: each request stands alone.
 */
public final class ClickHouseHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClickHouseHttpServer.class);

  public static final String DISPLAY_NAME = "agentwatch";

  /** URL parameters that steer the request, not the query: read here, never passed to the engine. */
  private static final Set<String> REQUEST_PARAMETERS = Set.of("query", "database", "default_format", "user",
      "password", "query_id", "session_id", "session_timeout", "session_check", "compress", "decompress",
      "enable_http_compression", "buffer_size", "wait_end_of_query", "role", "quota_key", "client_protocol_version",
      "extremes_in_http_headers", "send_progress_in_http_headers", "http_headers_progress_interval_ms");

  private static final Pattern FORMAT_CLAUSE = Pattern.compile("(?is)\\bFORMAT\\s+([A-Za-z0-9_]+)\\s*;?\\s*$");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private static final int READONLY = 164;
  private static final int AUTHENTICATION_FAILED = 516;
  private static final int BAD_ARGUMENTS = 36;
  private static final int SYNTAX_ERROR = 62;

  private final HttpServer server;
  private final ExecutorService executor;
  private final EmbeddedChdbStore store;
  private final ClickHouseHttpConfig config;
  private final String timezone;
  private final byte[] passwordDigest;
  private final byte[] writerUserDigest;
  private final byte[] writerPasswordDigest;

  /** What an authenticated request may do. */
  private enum Role {
    READER,
    WRITER
  }

  private ClickHouseHttpServer(HttpServer server, ExecutorService executor, EmbeddedChdbStore store,
      ClickHouseHttpConfig config, String timezone) {
    this.server = server;
    this.executor = executor;
    this.store = store;
    this.config = config;
    this.timezone = timezone;
    this.passwordDigest = config.password() == null ? null : sha256(config.password());
    this.writerUserDigest = config.writerUser() == null ? null : sha256(config.writerUser());
    this.writerPasswordDigest = config.writerPassword() == null ? null : sha256(config.writerPassword());
  }

  /** Serves {@code store} at {@code config}'s address (port 0: any free port, see {@link #url()}). */
  public static ClickHouseHttpServer start(ClickHouseHttpConfig config, EmbeddedChdbStore store)
      throws IOException, StoreException {
    if (config.password() == null && !config.isLoopback()) {
      throw new IllegalArgumentException(ClickHouseHttpConfig.LISTEN + ": " + config.host()
          + " is not a loopback address, so a password is required (" + ClickHouseHttpConfig.PASSWORD_FILE + ")");
    }
    if (config.writerUser() != null && (config.writerPassword() == null || !config.isLoopback())) {
      throw new IllegalArgumentException(ClickHouseHttpConfig.WRITER_PASSWORD_FILE + ": a writer needs a password and a"
          + " loopback address (the interface has no TLS), got " + config);
    }
    String timezone = store.query("SELECT timezone()").strip();
    HttpServer server = HttpServer.create(config.address(), 64);
    ExecutorService executor = Executors.newFixedThreadPool(8, runnable -> {
      Thread thread = new Thread(runnable, "clickhouse-http");
      thread.setDaemon(true);
      return thread;
    });
    ClickHouseHttpServer served = new ClickHouseHttpServer(server, executor, store, config, timezone);
    server.createContext("/", served::handle);
    server.setExecutor(executor);
    server.start();
    LOG.info("ClickHouse HTTP interface ({}) of {} at {}", config.writerUser() == null ? "read-only"
        : "read-only, and writes for " + config.writerUser(), store.describe(), served.url());
    return served;
  }

  /** {@code http://host:port}, the address a ClickHouse client is given. */
  public String url() {
    String host = server.getAddress().getHostString();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.getAddress().getPort();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** What it serves and to whom. */
  public ClickHouseHttpConfig config() {
    return config;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Map<String, String> parameters = parameters(exchange.getRequestURI().getRawQuery());
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (path.equals("/ping") || path.equals("/replicas_status")
          || (path.equals("/") && !parameters.containsKey("query") && body.length == 0)) {
        respond(exchange, 200, "text/plain; charset=UTF-8", "Ok.\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String queryId = firstOf(parameters.get("query_id"), exchange.getRequestHeaders().getFirst("X-ClickHouse-Query-Id"),
          UUID.randomUUID().toString());
      Headers headers = exchange.getResponseHeaders();
      headers.set("X-ClickHouse-Server-Display-Name", DISPLAY_NAME);
      headers.set("X-ClickHouse-Query-Id", queryId);
      headers.set("X-ClickHouse-Timezone", timezone);
      if (!path.equals("/")) {
        error(exchange, 404, BAD_ARGUMENTS, "Code: 36. DB::Exception: There is no handle " + path
            + ": only /, /ping and /replicas_status are served (ClickHouse HTTP interface of AgentWatch). (BAD_ARGUMENTS)");
        return;
      }
      Role role = authenticate(exchange, parameters);
      if (role == null) {
        error(exchange, 401, AUTHENTICATION_FAILED, "Code: 516. DB::Exception: " + userOf(exchange, parameters)
            + ": Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)");
        return;
      }
      if (role == Role.WRITER && ("1".equals(parameters.get("decompress")) || isEncoded(exchange))) {
        error(exchange, 400, BAD_ARGUMENTS, "Code: 36. DB::Exception: compressed request bodies (decompress=1,"
            + " Content-Encoding) are not served here: send the body uncompressed. (BAD_ARGUMENTS)");
        return;
      }
      ClientInsert insert = null;
      if (role == Role.WRITER) {
        try {
          insert = ClientInsert.parse(parameters.get("query"), body);
        } catch (IllegalArgumentException e) {
          error(exchange, 400, SYNTAX_ERROR, "Code: 62. DB::Exception: " + e.getMessage() + ". (SYNTAX_ERROR)");
          return;
        }
      }
      String sql = insert != null ? insert.statement() : query(parameters.get("query"), body);
      if (sql.isBlank()) {
        error(exchange, 400, SYNTAX_ERROR, "Code: 62. DB::Exception: Empty query. (SYNTAX_ERROR)");
        return;
      }
      Map<String, String> settings = new LinkedHashMap<>();
      for (Map.Entry<String, String> parameter : parameters.entrySet()) {
        String name = parameter.getKey();
        if (REQUEST_PARAMETERS.contains(name)) {
          continue;
        }
        if (!NAME.matcher(name).matches()) {
          error(exchange, 400, BAD_ARGUMENTS, "Code: 36. DB::Exception: '" + name
              + "' is not a setting name ([A-Za-z_][A-Za-z0-9_]*). (BAD_ARGUMENTS)");
          return;
        }
        if (name.equals("readonly") && role == Role.READER) {
          if (parameter.getValue().strip().equals("0")) {
            error(exchange, 403, READONLY, "Code: 164. DB::Exception: Cannot modify 'readonly' setting in readonly mode:"
                + " this interface serves reads only. (READONLY)");
            return;
          }
          continue; // 1 or 2: every query runs with readonly=1 anyway
        }
        settings.put(name, parameter.getValue());
      }
      String format = firstOf(parameters.get("default_format"), exchange.getRequestHeaders().getFirst("X-ClickHouse-Format"),
          "TabSeparated");
      String database = firstOf(parameters.get("database"), exchange.getRequestHeaders().getFirst("X-ClickHouse-Database"), "");
      Matcher clause = FORMAT_CLAUSE.matcher(sql);
      String outputFormat = insert == null && clause.find() ? clause.group(1) : format;
      StatementResult result;
      try {
        if (insert != null) {
          store.insertForWriter(insert.statement(), insert.format(), insert.data(), database, settings);
          result = new StatementResult(new byte[0], 0, 0, 0);
        } else if (role == Role.WRITER) {
          result = store.runForWriter(sql, format, database, settings);
        } else {
          result = store.queryReadOnly(sql, format, database, settings);
        }
      } catch (StoreException e) {
        int code = e.clickHouseCode();
        error(exchange, statusOf(code), code < 0 ? 1001 : code, e.getMessage());
        return;
      }
      headers.set("X-ClickHouse-Format", outputFormat);
      headers.set("X-ClickHouse-Summary", summary(result));
      byte[] output = "1".equals(parameters.get("compress")) ? CompressedBlocks.frame(result.body()) : result.body();
      respond(exchange, 200, contentType(outputFormat), output);
    } catch (RuntimeException e) {
      LOG.warn("ClickHouse HTTP request {} failed", exchange.getRequestURI(), e);
      throw e;
    }
  }

  /**
   * The role of the request's user, or null when refused. The writer's name must come with the
   * writer's password (never read access instead); any other name is the reader's, with its password
   * when one is set. Names and passwords are compared whole, on digests of equal length: the time
   * taken tells nothing about either.
   */
  private Role authenticate(HttpExchange exchange, Map<String, String> parameters) {
    String user = userOf(exchange, parameters);
    String password = firstOf(exchange.getRequestHeaders().getFirst("X-ClickHouse-Key"), parameters.get("password"), null);
    String basic = exchange.getRequestHeaders().getFirst("Authorization");
    if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(basic.substring(6).strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null; // not Base64: no credentials anyone was given
      }
      int colon = decoded.indexOf(':');
      user = colon < 0 ? decoded : decoded.substring(0, colon);
      password = colon < 0 ? "" : decoded.substring(colon + 1);
    }
    byte[] userDigest = sha256(user == null ? "" : user);
    byte[] passwordGiven = sha256(password == null ? "" : password);
    if (writerUserDigest != null && MessageDigest.isEqual(userDigest, writerUserDigest)) {
      return MessageDigest.isEqual(passwordGiven, writerPasswordDigest) ? Role.WRITER : null;
    }
    if (passwordDigest == null) {
      return Role.READER; // loopback without a password: anyone on this machine reads, as with the data directory
    }
    boolean userMatches = MessageDigest.isEqual(userDigest, sha256(config.user()));
    boolean passwordMatches = MessageDigest.isEqual(passwordGiven, passwordDigest);
    return userMatches & passwordMatches ? Role.READER : null;
  }

  private static boolean isEncoded(HttpExchange exchange) {
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    return encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity");
  }

  private static String userOf(HttpExchange exchange, Map<String, String> parameters) {
    return firstOf(exchange.getRequestHeaders().getFirst("X-ClickHouse-User"), parameters.get("user"), "default");
  }

  private static String query(String fromUrl, byte[] body) {
    String fromBody = new String(body, StandardCharsets.UTF_8);
    if (fromUrl == null) {
      return fromBody;
    }
    return fromBody.isEmpty() ? fromUrl : fromUrl + "\n" + fromBody;
  }

  /** The summary a server sends when the query ends: counters as strings, as ClickHouse writes them. */
  private static String summary(StatementResult result) {
    return "{\"read_rows\":\"" + result.rowsRead() + "\",\"read_bytes\":\"" + result.bytesRead()
        + "\",\"written_rows\":\"0\",\"written_bytes\":\"0\",\"total_rows_to_read\":\"" + result.rowsRead()
        + "\",\"result_rows\":\"0\",\"result_bytes\":\"" + result.body().length
        + "\",\"elapsed_ns\":\"" + Math.round(result.elapsedSeconds() * 1e9) + "\"}";
  }

  /** The HTTP status a ClickHouse server answers an exception code with (HTTPHandler's exceptionCodeToHTTPStatus). */
  static int statusOf(int code) {
    return switch (code) {
      case 164, 192, 193, 194, 195, 516, 497 -> 403; // READONLY, UNKNOWN_USER, WRONG_PASSWORD, ..., ACCESS_DENIED
      case 62, 47, 43, 53, 36, 27, 6, 41, 38, 70, 115, 73, 42, 457, 456, 35, 184 -> 400; // bad SQL, arguments, settings, formats
      case 60, 46, 81, 16, 21, 83 -> 404; // unknown table, function, database, column
      case 159 -> 408; // TIMEOUT_EXCEEDED
      case 202 -> 429; // TOO_MANY_SIMULTANEOUS_QUERIES
      default -> 500;
    };
  }

  private static String contentType(String format) {
    String lower = format.toLowerCase(Locale.ROOT);
    if (lower.startsWith("json")) {
      return "application/json; charset=UTF-8";
    }
    if (lower.startsWith("tabseparated") || lower.startsWith("tsv")) {
      return "text/tab-separated-values; charset=UTF-8";
    }
    if (lower.startsWith("csv")) {
      return "text/csv; charset=UTF-8";
    }
    if (lower.startsWith("rowbinary") || lower.equals("native") || lower.equals("arrow") || lower.equals("parquet")) {
      return "application/octet-stream";
    }
    return "text/plain; charset=UTF-8";
  }

  private static void error(HttpExchange exchange, int status, int code, String message) throws IOException {
    exchange.getResponseHeaders().set("X-ClickHouse-Exception-Code", Integer.toString(code));
    String text = message.strip();
    respond(exchange, status, "text/plain; charset=UTF-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static Map<String, String> parameters(String rawQuery) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      parameters.put(name, value);
    }
    return parameters;
  }

  private static String firstOf(String first, String second, String otherwise) {
    return first != null && !first.isEmpty() ? first : second != null && !second.isEmpty() ? second : otherwise;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
