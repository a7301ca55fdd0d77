package io.agentwatch.delivery.receiver;

import io.agentwatch.delivery.alert.Alert;
import io.agentwatch.delivery.format.AlertJson;
import io.agentwatch.delivery.format.OcsfFinding;
import io.agentwatch.delivery.format.SlackPayload;
import io.agentwatch.delivery.format.SplunkHecEvent;
import io.agentwatch.delivery.format.TeamsPayload;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Receivers that take a JSON POST: webhooks (signed), Slack, Teams, Splunk HEC. Accepted means a
 * 2xx answer within the timeout. Every request carries {@code Idempotency-Key: ALERT_ID#VERSION}
 * so a receiver can drop the copy an at-least-once sender may still send after a crash.
 */
final class HttpReceiver implements Receiver {

  static final String SIGNATURE_HEADER = "X-AgentWatch-Signature";

  private final ReceiverConfig config;
  private final Duration timeout;
  private final String productVersion;
  private final HttpClient client;

  HttpReceiver(ReceiverConfig config, Duration timeout, String productVersion) {
    this.config = config;
    this.timeout = timeout;
    this.productVersion = productVersion;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER);
    if (config.trustFile() != null) {
      builder.sslContext(Tls.context(config.trustFile()));
    }
    this.client = builder.build();
  }

  @Override
  public ReceiverConfig config() {
    return config;
  }

  @Override
  public String send(Alert alert) throws DeliveryException {
    byte[] body = AlertJson.bytes(switch (config.type()) {
      case WEBHOOK -> "ocsf".equals(config.option()) ? OcsfFinding.of(alert, productVersion) : AlertJson.of(alert);
      case SLACK -> SlackPayload.of(alert);
      case TEAMS -> "adaptive".equals(config.option()) ? TeamsPayload.adaptiveCard(alert) : TeamsPayload.messageCard(alert);
      case SPLUNK_HEC -> SplunkHecEvent.of(alert, config.option());
      case SYSLOG -> throw new IllegalStateException("syslog is not HTTP");
    });
    HttpRequest.Builder request = HttpRequest.newBuilder(config.url()).timeout(timeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", "AgentWatch/" + productVersion)
        .header("Idempotency-Key", alert.deliveryKey())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (config.type() == ReceiverConfig.Type.WEBHOOK && config.secret() != null) {
      request.header(SIGNATURE_HEADER, signature(config.secret(), body));
    }
    if (config.type() == ReceiverConfig.Type.SPLUNK_HEC) {
      request.header("Authorization", "Splunk " + new String(config.secret(), StandardCharsets.UTF_8));
    }
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new DeliveryException(config.name() + ": POST " + config.url() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryException(config.name() + ": interrupted while sending", e);
    }
    String answer = "HTTP " + response.statusCode() + " " + abbreviate(response.body());
    if (response.statusCode() / 100 != 2) {
      throw new DeliveryException(config.name() + ": " + config.url() + " answered " + answer, null);
    }
    return answer;
  }

  /** {@code sha256=HEX}: HMAC-SHA256 of the exact body bytes with the receiver's secret. */
  static String signature(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  private static String abbreviate(String body) {
    String line = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    return line.length() <= 200 ? line : line.substring(0, 200) + "…";
  }

  @Override
  public void close() {
    // HttpClient of JDK 17 has no close; its threads end when it is unreachable.
  }
}
