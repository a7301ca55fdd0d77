package io.agentwatch.report;

import io.agentwatch.store.NamedQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The half-open time range [since, until) a report covers, fixed once to whole seconds so every
 * query of the report, and the previous period it is compared with, see the same bounds.
 */
public record ReportRange(Instant since, Instant until) {

  public ReportRange {
    if (!since.isBefore(until)) {
      throw new IllegalArgumentException("--since " + since + " is not before --until " + until);
    }
  }

  /**
   * The range the options name, in the forms the named queries accept: ISO-8601 instants, dates
   * (midnight UTC), {@code now}, or a duration ago ({@code 24h}, {@code 7d}).
   *
   * @throws IllegalArgumentException naming the option and its value
   */
  public static ReportRange parse(String since, String until, Instant now) {
    Instant truncatedNow = now.truncatedTo(ChronoUnit.SECONDS);
    return new ReportRange(instant("--since", since, truncatedNow), instant("--until", until, truncatedNow));
  }

  private static Instant instant(String option, String text, Instant now) {
    Instant time = NamedQuery.time(text.strip(), now);
    if (time == null) {
      throw new IllegalArgumentException(option + " '" + text
          + "' is not a time: give 2026-12-06T14:00:00Z, 2026-12-06 (UTC), now, or a duration ago (24h, 7d)");
    }
    return time.truncatedTo(ChronoUnit.SECONDS);
  }

  public Duration length() {
    return Duration.between(since, until);
  }

  /** The period of the same length just before: what week over week compares with for 7d. */
  public ReportRange previous() {
    return new ReportRange(since.minus(length()), since);
  }

  /** since and until as the named queries' parameters. */
  Map<String, String> parameters() {
    return Map.of("since", since.toString(), "until", until.toString());
  }
}
