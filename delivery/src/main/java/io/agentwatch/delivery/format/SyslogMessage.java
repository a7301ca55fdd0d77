package io.agentwatch.delivery.format;

import io.agentwatch.delivery.alert.Alert;
import io.agentwatch.delivery.alert.Severity;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One RFC 5424 syslog message:
 * {@code <PRI>1 TIMESTAMP HOSTNAME agentwatch PROCID DETECTOR [agentwatch@32473 alert_id=".." version=".."] BODY}.
 * The structured data carries the deduplication key, so a SIEM can drop a copy without parsing the
 * body. 32473 is the private enterprise number RFC 5612 reserves for examples; a site with its own
 * number can ignore the element.
 */
public final class SyslogMessage {

  private SyslogMessage() {}

  /**
   * @param facility 0..23 (10, security/authorization, by default)
   * @param hostname this machine's name as the SIEM should see it
   * @param body the JSON or CEF text
   */
  public static String of(Alert alert, int facility, String hostname, long pid, Instant now, String body) {
    StringBuilder line = new StringBuilder(body.length() + 200);
    line.append('<').append(facility * 8 + severity(alert.severity())).append(">1 ");
    line.append(now.truncatedTo(ChronoUnit.MILLIS)).append(' ');
    line.append(token(hostname, 255)).append(" agentwatch ").append(pid).append(' ');
    line.append(token(alert.record().getDetector(), 32)).append(' ');
    line.append("[agentwatch@32473 alert_id=\"");
    parameter(line, alert.id());
    line.append("\" version=\"").append(alert.version()).append("\" severity=\"").append(alert.severity().text()).append("\"] ");
    return line.append(body).toString();
  }

  /** Syslog severity: critical 2 (crit), high 3 (err), medium 4 (warning), low 5 (notice). */
  static int severity(Severity severity) {
    return switch (severity) {
      case CRITICAL -> 2;
      case HIGH -> 3;
      case MEDIUM -> 4;
      case LOW -> 5;
    };
  }

  /** A header field: printable US-ASCII without spaces, '-' when empty. */
  static String token(String text, int max) {
    StringBuilder token = new StringBuilder(Math.min(text.length(), max));
    for (int i = 0; i < text.length() && token.length() < max; i++) {
      char c = text.charAt(i);
      token.append(c > 32 && c < 127 ? c : '_');
    }
    return token.length() == 0 ? "-" : token.toString();
  }

  /** A structured-data parameter value escapes '"', '\' and ']' (RFC 5424 section 6.3.3). */
  static void parameter(StringBuilder line, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\' || c == ']') {
        line.append('\\');
      }
      line.append(c);
    }
  }
}
