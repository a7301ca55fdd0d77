package io.agentwatch.delivery.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.delivery.alert.Alert;
import io.agentwatch.delivery.alert.Severity;
import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.SchemaTrust;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text forms receivers parse: CEF's escapes, RFC 5424's header and structured data, severities. */
class FormatsTest {

  static {
    SchemaTrust.ensure(); // the builder resolves the nested record classes, which Avro trusts only once told
  }

  private static final Instant START = Instant.parse("2026-12-06T14:10:00Z");

  @Test
  void cefEscapesPipesAndBackslashesInTheHeaderAndEqualsSignsAndLineBreaksInValues() {
    Alert alert = Alert.of(alert("up|load\\x", "line one\nline=two\r"));
    String cef = CefMessage.of(alert, "1.0");
    assertTrue(cef.startsWith("CEF:0|AgentWatch|AgentWatch|1.0|up\\|load\\\\x|"), cef);
    assertTrue(cef.contains("|5|rt=" + START.plusSeconds(60).toEpochMilli() + " "), "score 4: medium is CEF 5: " + cef);
    assertTrue(cef.endsWith(" msg=line one\\nline\\=two\\r"), cef);
    assertEquals(1, cef.lines().count(), "one line");
  }

  @Test
  void syslogHeaderIsRfc5424WithTheDeliveryKeyInStructuredData() {
    ExposureAlert record = alert("upload-spike", "r");
    record.setAlertId("a\"b]c\\d");
    String line = SyslogMessage.of(Alert.of(record), 10, "sensor host", 42, Instant.parse("2026-12-06T14:11:00.123456789Z"), "{}");
    assertEquals("<84>1 2026-12-06T14:11:00.123Z sensor_host agentwatch 42 upload-spike "
        + "[agentwatch@32473 alert_id=\"a\\\"b\\]c\\\\d\" version=\"0\" severity=\"medium\"] {}", line);
  }

  @Test
  void anAlertWithoutSeverityGetsOneFromItsScore() {
    assertEquals(Severity.LOW, Severity.fromScore(1));
    assertEquals(Severity.MEDIUM, Severity.fromScore(3));
    assertEquals(Severity.HIGH, Severity.fromScore(6));
    assertEquals(Severity.CRITICAL, Severity.fromScore(10));
    assertEquals(Severity.MEDIUM, Alert.of(alert("upload-spike", "r")).severity());
  }

  @Test
  void alertJsonCarriesEverySchemaFieldWithIsoTimes() {
    var json = AlertJson.of(Alert.of(alert("upload-spike", "why")));
    for (var field : ExposureAlert.getClassSchema().getFields()) {
      assertTrue(json.has(field.name()), field.name() + " in " + json);
    }
    assertEquals("2026-12-06T14:10:00Z", json.get("window_start").asText());
    assertEquals("medium", json.get("severity").asText());
    assertEquals(0, json.get("version").asLong());
  }

  static ExposureAlert alert(String detector, String reason) {
    return ExposureAlert.newBuilder().setAlertId("id-1").setDetector(detector).setHost("build-42").setVendor("OpenAI")
        .setService("api").setWindowStart(START).setWindowEnd(START.plusSeconds(60)).setObserved(1).setBaseline(0)
        .setScore(4).setTopFlows(List.of()).setReason(reason).build();
  }
}
