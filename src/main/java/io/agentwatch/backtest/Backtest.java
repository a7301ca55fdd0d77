package io.agentwatch.backtest;

import io.agentwatch.api.QueryResult;
import io.agentwatch.jobs.detect.DetectionConfig;
import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.HostVendorWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What other detector settings would have raised over a stored range, against what was raised:
 * the stored minute windows from {@code since − warmup} to {@code until} go through the job's
 * detectors ({@link DetectorReplay}); the incidents that start in [since, until) are compared
 * with the stored ones that start there ({@link IncidentComparison}). The warm-up gives the
 * detectors the history the job had (baselines, percentiles, the vendors each host already used).
 *
 * @param windows how many stored windows were replayed (warm-up included)
 */
public record Backtest(Instant since, Instant until, Instant warmupSince, int windows, IncidentComparison comparison) {

  /** The table's grain: host_vendor_service_1m holds one-minute windows. */
  public static final Duration WINDOW = Duration.ofMinutes(1);

  /** Enough for every stored incident of a range: the comparison needs them all. */
  private static final String ALL = Long.toString(Long.MAX_VALUE);

  /**
   * @param queries runs a named query with parameters (the running stack's API or the store)
   */
  public static Backtest run(BiFunction<String, Map<String, String>, QueryResult> queries, Instant since, Instant until,
      Duration warmup, DetectionConfig config) throws Exception {
    Instant warmupSince = since.minus(warmup);
    List<HostVendorWindow> stored = StoredWindows.from(queries.apply(StoredWindows.QUERY,
        Map.of("since", warmupSince.toString(), "until", until.toString())), WINDOW);
    List<ExposureAlert> alerts = DetectorReplay.alerts(stored, WINDOW, config);
    List<Incident> now = Incident.of(alerts).stream()
        .filter(incident -> IncidentComparison.startsIn(incident, since, until)).toList();
    List<Incident> before = Incident.of(queries.apply(Incident.QUERY,
        Map.of("since", since.toString(), "until", until.toString(), "limit", ALL)));
    return new Backtest(since, until, warmupSince, stored.size(), IncidentComparison.of(now, before));
  }
}
