package io.agentwatch.jobs.detect;

import java.util.List;

/**
 * How urgent an alert is: low, medium, high or critical. From its strength (the score over the
 * detector's threshold: 1 is just over) and the vendor's policy: unsanctioned raises it one step,
 * sanctioned lowers it one step.
 */
final class Severity {

  static final List<String> LEVELS = List.of("low", "medium", "high", "critical");

  private Severity() {}

  static String of(double strength, String policy) {
    int level = strength < 2 ? 0 : strength < 5 ? 1 : strength < 20 ? 2 : 3;
    return adjusted(level, policy);
  }

  static String adjusted(int level, String policy) {
    if (Policy.UNSANCTIONED.equals(policy)) {
      level++;
    } else if (Policy.SANCTIONED.equals(policy)) {
      level--;
    }
    return LEVELS.get(Math.max(0, Math.min(LEVELS.size() - 1, level)));
  }

  static int rank(String severity) {
    return LEVELS.indexOf(severity);
  }
}
