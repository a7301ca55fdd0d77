package io.agentwatch.delivery.format;

import io.agentwatch.delivery.alert.Alert;
import io.agentwatch.schema.ExposureAlert;

/**
 * An alert in ArcSight Common Event Format:
 * {@code CEF:0|AgentWatch|AgentWatch|VERSION|DETECTOR|TITLE|SEVERITY|EXTENSION}. Header fields
 * escape backslash and pipe; extension values escape backslash, equals sign and line breaks (the
 * rules of the CEF specification); the extension uses the standard keys where one fits and
 * labelled custom strings (cs1..cs4) for vendor, service, incident and version.
 */
public final class CefMessage {

  private CefMessage() {}

  public static String of(Alert alert, String productVersion) {
    ExposureAlert record = alert.record();
    StringBuilder cef = new StringBuilder(512).append("CEF:0|AgentWatch|AgentWatch|");
    header(cef, productVersion).append('|');
    header(cef, record.getDetector()).append('|');
    header(cef, AlertText.title(alert)).append('|');
    cef.append(severity(alert)).append('|');
    extension(cef, "rt", Long.toString(record.getWindowEnd().toEpochMilli()));
    extension(cef, "start", Long.toString(record.getWindowStart().toEpochMilli()));
    extension(cef, "end", Long.toString(record.getWindowEnd().toEpochMilli()));
    extension(cef, "externalId", alert.id());
    extension(cef, "cat", record.getDetector());
    extension(cef, "shost", record.getHost());
    extension(cef, "cs1Label", "vendor");
    extension(cef, "cs1", record.getVendor());
    extension(cef, "cs2Label", "service");
    extension(cef, "cs2", record.getService());
    extension(cef, "cs3Label", "incident");
    extension(cef, "cs3", alert.incidentId());
    extension(cef, "cs4Label", "team");
    extension(cef, "cs4", alert.team());
    extension(cef, "cn1Label", "version");
    extension(cef, "cn1", Long.toString(alert.version()));
    extension(cef, "cfp1Label", "observed");
    extension(cef, "cfp1", AlertText.number(record.getObserved()));
    extension(cef, "cfp2Label", "baseline");
    extension(cef, "cfp2", AlertText.number(record.getBaseline()));
    extension(cef, "cfp3Label", "score");
    extension(cef, "cfp3", AlertText.number(record.getScore()));
    extension(cef, "msg", record.getReason());
    cef.setLength(cef.length() - 1); // the space after the last pair
    return cef.toString();
  }

  /** CEF severity 0..10: low 3, medium 5, high 8, critical 10. */
  static int severity(Alert alert) {
    return switch (alert.severity()) {
      case LOW -> 3;
      case MEDIUM -> 5;
      case HIGH -> 8;
      case CRITICAL -> 10;
    };
  }

  static StringBuilder header(StringBuilder cef, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\', '|' -> cef.append('\\').append(c);
        case '\r', '\n' -> cef.append(' '); // a header is one line
        default -> cef.append(c);
      }
    }
    return cef;
  }

  static void extension(StringBuilder cef, String key, String value) {
    cef.append(key).append('=');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\', '=' -> cef.append('\\').append(c);
        case '\r' -> cef.append("\\r");
        case '\n' -> cef.append("\\n");
        default -> cef.append(c);
      }
    }
    cef.append(' ');
  }
}
