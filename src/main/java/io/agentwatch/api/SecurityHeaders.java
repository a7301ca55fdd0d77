package io.agentwatch.api;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** What every response of the HTTP server carries, and the token check in front of the data. */
final class SecurityHeaders {

  /**
   * Scripts and data only from this server, no inline script, no framing. Inline styles stay
   * allowed: ECharts positions its tooltips with style attributes.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
      + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
      + " frame-ancestors 'none'";

  private SecurityHeaders() {
  }

  static Filter filter(boolean tls) {
    return Filter.beforeHandler("security headers", exchange -> {
      Headers headers = exchange.getResponseHeaders();
      headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
      headers.set("X-Content-Type-Options", "nosniff");
      headers.set("X-Frame-Options", "DENY");
      headers.set("Referrer-Policy", "no-referrer");
      headers.set("Cross-Origin-Opener-Policy", "same-origin");
      if (tls) {
        headers.set("Strict-Transport-Security", "max-age=31536000");
      }
    });
  }

  /** Answers 401 to a request without the token ({@link HttpConfig#admits}); passes the rest on. */
  static Filter requireToken(HttpConfig http) {
    return new Filter() {
      @Override
      public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        if (http.admits(exchange.getRequestHeaders().getFirst("Authorization"))) {
          chain.doFilter(exchange);
          return;
        }
        try (exchange) {
          byte[] body = "{\"error\":\"this AgentWatch requires a token: Authorization: Bearer TOKEN (http.token)\"}"
              .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"agentwatch\"");
          exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
          exchange.sendResponseHeaders(401, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
      }

      @Override
      public String description() {
        return "bearer token";
      }
    };
  }
}
