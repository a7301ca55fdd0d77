package io.agentwatch.api;

import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Who may read the HTTP server (API and console) and how it is reached: a bearer token, and TLS
 * from a PEM certificate and key. Without a token the server answers anyone who reaches it, so
 * it must then listen on loopback only ({@link #requireAuthenticationOffLoopback}).
 *
 * @param token the bearer token every request for data must carry, or null for none
 * @param tlsCertificate PEM certificate chain (the server's first), or null for plain HTTP
 * @param tlsKey PEM private key (PKCS#8, unencrypted) of the certificate, or null
 */
public record HttpConfig(String token, Path tlsCertificate, Path tlsKey) {

  /** Plain HTTP, no token: for loopback only. */
  public static final HttpConfig OPEN = new HttpConfig(null, null, null);

  public static final List<Setting> SETTINGS = List.of(
      Setting.secret("http.token", "bearer token required by the API and console; environment only"),
      Setting.value("http.token-file", "FILE", null, "file holding the bearer token (required off loopback)"),
      Setting.value("http.tls-certificate", "FILE", null, "PEM certificate chain: the API and console are served over HTTPS"),
      Setting.value("http.tls-key", "FILE", null, "PEM private key (PKCS#8, unencrypted) of http.tls-certificate"));

  /** From the keys of {@link #SETTINGS}; problems go to {@code settings}, naming the key. */
  public static HttpConfig from(Settings settings) {
    String token = token(settings);
    Path certificate = settings.parse("http.tls-certificate", Path::of);
    Path key = settings.parse("http.tls-key", Path::of);
    if ((certificate == null) != (key == null)) {
      settings.problem(certificate == null ? "http.tls-certificate" : "http.tls-key",
          "missing: TLS needs both http.tls-certificate and http.tls-key");
    }
    for (Path file : new Path[] {certificate, key}) {
      if (file != null && !Files.isReadable(file)) {
        settings.problem(file == certificate ? "http.tls-certificate" : "http.tls-key", "cannot read " + file);
      }
    }
    return new HttpConfig(token, certificate, key);
  }

  private static String token(Settings settings) {
    Path file = settings.parse("http.token-file", Path::of);
    if (settings.isSet("http.token") && file != null) {
      settings.problem("http.token-file", "the token is also set in the environment (AGENTWATCH_HTTP_TOKEN); use one of them");
      return null;
    }
    String token = settings.isSet("http.token") ? settings.text("http.token").strip() : null;
    if (file != null) {
      try {
        token = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        settings.problem("http.token-file", "cannot read " + file + ": " + e.getMessage());
        return null;
      }
    }
    if (token != null && token.length() < 16) {
      settings.problem(file != null ? "http.token-file" : "http.token",
          "the token has " + token.length() + " characters; use at least 16 (e.g. openssl rand -hex 24)");
      return null;
    }
    return token;
  }

  public boolean tls() {
    return tlsCertificate != null;
  }

  /**
   * Refuses an address other than loopback when no token is set: the console would show the
   * fleet's traffic to anyone on the network.
   *
   * @throws IllegalArgumentException naming the address and the settings that allow it
   */
  public void requireAuthenticationOffLoopback(InetSocketAddress address) {
    if (token == null && (address.getAddress() == null || !address.getAddress().isLoopbackAddress())) {
      throw new IllegalArgumentException("--http " + address.getHostString() + ":" + address.getPort()
          + " is not a loopback address and no token is set: anyone who reaches it would read the fleet's traffic;"
          + " set http.token-file (or AGENTWATCH_HTTP_TOKEN), or listen on 127.0.0.1");
    }
  }

  /** Whether an Authorization header value carries the token; constant time in the header's content. */
  boolean admits(String authorization) {
    if (token == null) {
      return true;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    // Digests of equal length: MessageDigest.isEqual then takes the same time wherever they differ.
    return MessageDigest.isEqual(sha256(authorization.substring(7).strip()), sha256(token));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /** Never the token. */
  @Override
  public String toString() {
    return (tls() ? "https (" + tlsCertificate + ")" : "http") + (token != null ? ", bearer token" : ", no token");
  }
}
