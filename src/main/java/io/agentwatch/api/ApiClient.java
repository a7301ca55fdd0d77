package io.agentwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** Asks a running stack's {@link ApiServer}: what the command line uses while `up` runs. */
public final class ApiClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public ApiClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** Whether the API answers its health check. */
  public boolean isHealthy() {
    try {
      return get("/api/health").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Runs a named query.
   *
   * @throws IllegalArgumentException with the server's message for an unknown query or a bad parameter
   * @throws IOException when the API cannot be reached or fails
   */
  public QueryResult query(String name, Map<String, String> parameters) throws IOException {
    String query = parameters.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpResponse<String> response = get("/api/queries/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + (query.isEmpty() ? "" : "?" + query));
    JsonNode body = QueryResult.JSON.readTree(response.body());
    return switch (response.statusCode()) {
      case 200 -> QueryResult.fromApi(body);
      case 400, 404 -> throw new IllegalArgumentException(body.path("error").asText());
      default -> throw new IOException(baseUrl + " answered " + response.statusCode() + ": " + body.path("error").asText());
    };
  }

  private HttpResponse<String> get(String path) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT).GET().build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
