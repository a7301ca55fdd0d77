package io.agentwatch.delivery.route;

import io.agentwatch.delivery.alert.Alert;
import io.agentwatch.delivery.alert.Severity;
import java.util.Set;

/**
 * Which alerts one receiver gets: at least a severity, and only some teams or detectors when
 * those are named (empty means all). An alert whose host has no known team reaches only
 * receivers that name no team.
 */
public record Route(Severity minSeverity, Set<String> teams, Set<String> detectors) {

  public static final Route ALL = new Route(Severity.LOW, Set.of(), Set.of());

  public boolean matches(Alert alert) {
    return alert.severity().compareTo(minSeverity) >= 0
        && (teams.isEmpty() || teams.contains(alert.team()))
        && (detectors.isEmpty() || detectors.contains(alert.record().getDetector()));
  }

  @Override
  public String toString() {
    return "severity >= " + minSeverity.text() + (teams.isEmpty() ? "" : ", teams " + String.join(",", teams))
        + (detectors.isEmpty() ? "" : ", detectors " + String.join(",", detectors));
  }
}
