package io.agentwatch.capture.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result of one or more health checks: a status and the reasons a person should read (why the
 * sensor is degraded or failing; an ok check usually gives none).
 *
 * @param status the worst status of the checks combined
 * @param reasons human-readable reasons, in check order
 */
public record Health(Status status, List<String> reasons) {

  /** Ordered from best to worst; combining keeps the worst. */
  public enum Status {
    /** Working as configured. */
    OK,
    /** Still producing records, but something needs attention (spooling, drops, lag). */
    DEGRADED,
    /** Not doing its job (no capture, records being lost). */
    FAILING;

    /** As written in the /health JSON: {@code ok}, {@code degraded}, {@code failing}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public Status worse(Status other) {
      return other.ordinal() > ordinal() ? other : this;
    }
  }

  private static final Health OK = new Health(Status.OK, List.of());

  public Health {
    if (status == null) {
      throw new IllegalArgumentException("health: status missing");
    }
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
  }

  public static Health ok() {
    return OK;
  }

  /** Ok, with a note worth showing (e.g. "kafka: last send 2 s ago"). */
  public static Health ok(String reason) {
    return new Health(Status.OK, List.of(reason));
  }

  public static Health degraded(String reason) {
    return new Health(Status.DEGRADED, List.of(reason));
  }

  public static Health failing(String reason) {
    return new Health(Status.FAILING, List.of(reason));
  }

  /** The worst status of the two; the reasons of both, this one's first. */
  public Health and(Health other) {
    if (other.reasons.isEmpty() && other.status.ordinal() <= status.ordinal()) {
      return this;
    }
    List<String> all = new ArrayList<>(reasons.size() + other.reasons.size());
    all.addAll(reasons);
    all.addAll(other.reasons);
    return new Health(status.worse(other.status), all);
  }

  /** All results combined: the worst status wins; no results is ok. */
  public static Health combine(List<Health> results) {
    Health combined = OK;
    for (Health result : results) {
      combined = combined.and(result);
    }
    return combined;
  }
}
