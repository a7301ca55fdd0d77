package io.agentwatch.capture.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.agentwatch.capture.metrics.Health.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthTest {

  @Test
  void theWorstStatusWinsAndEveryReasonIsKeptInCheckOrder() {
    Health combined = Health.combine(List.of(
        Health.ok(),
        Health.degraded("spool: 12 MB waiting for Kafka"),
        Health.ok("capture: eth0 up"),
        Health.failing("kafka: no send for 300 s"),
        Health.degraded("capture: 2% dropped")));

    assertEquals(Status.FAILING, combined.status());
    assertEquals(List.of("spool: 12 MB waiting for Kafka", "capture: eth0 up", "kafka: no send for 300 s",
        "capture: 2% dropped"), combined.reasons());
  }

  @Test
  void degradedStaysDegradedNextToOkChecks() {
    assertEquals(Status.DEGRADED, Health.ok().and(Health.degraded("lag")).and(Health.ok()).status());
  }

  @Test
  void noChecksIsOk() {
    assertSame(Health.ok(), Health.combine(List.of()));
    assertEquals("ok", Health.combine(List.of()).status().label());
  }

  @Test
  void statusesAreWrittenInLowerCase() {
    assertEquals(List.of("ok", "degraded", "failing"),
        List.of(Status.OK.label(), Status.DEGRADED.label(), Status.FAILING.label()));
  }

  @Test
  void healthJsonEscapesReasons() {
    Health health = Health.degraded("spool \"/var/lib/agentwatch\\spool\"\nfull\t\u0001");

    assertEquals("{\"status\":\"degraded\",\"checks\":[\"spool \\\"/var/lib/agentwatch\\\\spool\\\"\\nfull\\t\\u0001\"]}\n",
        MetricsServer.healthJson(health));
  }
}
