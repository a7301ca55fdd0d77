package io.agentwatch.delivery.alert;

import java.util.Locale;

/** How urgent an alert is, lowest first; receivers are routed by a minimum. */
public enum Severity {
  LOW, MEDIUM, HIGH, CRITICAL;

  /**
   * The severity of an alert that does not carry one (alerts written before the detection job set
   * it): from its score, which every detector gives in "how far from normal" units. Below 3 low,
   * below 6 medium, below 10 high, else critical.
   */
  public static Severity fromScore(double score) {
    if (score >= 10) {
      return CRITICAL;
    }
    if (score >= 6) {
      return HIGH;
    }
    return score >= 3 ? MEDIUM : LOW;
  }

  /** low, medium, high, critical (any case); info is low, as the detection job may write it. */
  public static Severity parse(String text) {
    String name = text.trim().toUpperCase(Locale.ROOT);
    if (name.equals("INFO") || name.equals("INFORMATIONAL")) {
      return LOW;
    }
    try {
      return valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not a severity (low, medium, high, critical)", e);
    }
  }

  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
