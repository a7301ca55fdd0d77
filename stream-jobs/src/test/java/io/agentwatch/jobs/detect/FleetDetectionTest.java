package io.agentwatch.jobs.detect;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.config.Settings;
import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.MapFunction;
import org.junit.jupiter.api.Test;

/**
 * The detectors on labelled fleets ({@link LabelledFleet}) of several seeds, run as the job runs
 * them (the window aggregate with the job's out-of-orderness and allowed lateness, the detectors
 * and incidents, in a Flink MiniCluster), scored strictly per incident the job reports: it is right
 * only when it names a labelled incident's host AND vendor and overlaps its time (plus
 * {@link #SLACK}). Per detector: precision over its incidents; recall per kind of incident it is
 * meant for; time to alert (end of the first alerting window minus the incident's first byte, event
 * time, as the watermark tells it: {@link DetectionRun.ArrivalClock}, so an alert on a minute a late
 * part revised counts from that part's arrival).
 * Targets: precision ≥ 0.95 per detector, recall ≥ 0.9 per detector and kind, and every burst
 * caught by the spike detector within 2 minutes of its first byte.
 *
 * <p>Seeds: {@link #SEEDS} by default, the ones the detectors' settings were developed on (see
 * BENCHMARKS.md for seeds held out). {@code -Dagentwatch.fleet.seeds=1,2,3,...} runs others;
 * {@code -Dagentwatch.fleet.set=detect.KEY=VALUE,...} scores other settings (as a backtest would).
 */
class FleetDetectionTest {

  /** Developed on: 101 and 202 first, then 303, then 707, 808 and 909 (a burst on a volatile host). */
  private static final long[] SEEDS = {101, 202, 303, 707, 808, 909};
  private static final long SLACK = Duration.ofMinutes(5).toMillis();
  private static final long BURST_TIME_TO_ALERT = Duration.ofMinutes(2).toMillis();

  private record Target(String detector, LabelledFleet.Kind kind, Predicate<LabelledFleet.Incident> meantFor) {}

  /** One incident as the job reported it (its records grouped by incident id), in its final extent. */
  private record Reported(long seed, String id, String detector, String host, String vendor, long start, long end,
      long raisedAt, String reason) {}

  @Test
  void everyDetectorFindsTheIncidentsItIsMeantForAndRaisesFewFalseAlertsOnLabelledFleets() throws Exception {
    DetectionConfig config = config();
    List<Target> targets = List.of(
        new Target(Alerts.UPLOAD_SPIKE, LabelledFleet.Kind.BURST, i -> true),
        new Target(Alerts.SUSTAINED_UPLOAD, LabelledFleet.Kind.SLOW, i -> true),
        new Target(Alerts.FIRST_CONTACT, LabelledFleet.Kind.NEW_VENDOR, i -> true),
        new Target(Alerts.POLICY, LabelledFleet.Kind.UNSANCTIONED, i -> true),
        // The volume detectors are meant for bursts above their floors.
        new Target(Alerts.UPLOAD_HEAVY, LabelledFleet.Kind.BURST, i -> i.peakPerMinute() >= 2 * config.heavyFloorBytes()),
        // ... and the fleet detector for those while a fleet is active (not at night).
        new Target(Alerts.FLEET_OUTLIER, LabelledFleet.Kind.BURST, i -> i.peakPerMinute() >= 2 * config.fleetFloorBytes()
            && LabelledFleet.of(i.seed()).activeHosts(i.start()) >= 2 * config.fleetMinHosts()));

    List<LabelledFleet> fleets = new ArrayList<>();
    List<Reported> reported = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    for (long seed : seeds()) {
      LabelledFleet fleet = LabelledFleet.of(seed);
      long started = System.nanoTime();
      List<Reported> mine = incidents(seed, DetectionRun.alerts("fleet detection " + seed, fleet.records.size(),
          new RecordAt(seed), config), new DetectionRun.ArrivalClock(fleet.records), fleet.scoredFrom());
      report.append(String.format(Locale.ROOT, "seed %d: %d hosts × %d days, %d flow records, %d labels, %d incidents"
              + " reported, %d ms%n", seed, fleet.hostCount, fleet.days, fleet.records.size(), fleet.incidents.size(),
          mine.size(), (System.nanoTime() - started) / 1_000_000));
      fleets.add(fleet);
      reported.addAll(mine);
    }
    Map<Long, LabelledFleet> bySeed = fleets.stream().collect(Collectors.toMap(f -> f.seed, f -> f));

    report.append(String.format(Locale.ROOT, "%-17s %-13s %9s %9s %9s %8s %8s%n",
        "detector", "kind", "incidents", "precision", "recall", "TTA p50", "TTA max"));
    List<String> failures = new ArrayList<>();
    List<String> falseAlerts = new ArrayList<>();
    for (Target target : targets) {
      List<Reported> mine = reported.stream().filter(r -> r.detector.equals(target.detector)).toList();
      long right = 0;
      for (Reported r : mine) {
        List<LabelledFleet.Incident> truth = bySeed.get(r.seed).incidents.stream().filter(i -> matches(r, i)).toList();
        if (truth.stream().anyMatch(i -> i.kind() != LabelledFleet.Kind.DECOY)) {
          right++;
        } else {
          LabelledFleet.Host host = bySeed.get(r.seed).hosts.stream().filter(h -> h.name().equals(r.host)).findFirst()
              .orElseThrow();
          falseAlerts.add(String.format(Locale.ROOT, "seed %d %s %s/%s (%s host, usual %.0f kB, spread %.2f, labels: %s): %s",
              r.seed, r.detector, r.host, r.vendor, host.profile(), host.level() / 1000, host.spread(),
              bySeed.get(r.seed).incidents.stream().filter(i -> i.host().equals(r.host))
                  .map(i -> i.kind() + " " + i.vendor() + " " + java.time.Instant.ofEpochMilli(i.start()))
                  .collect(Collectors.joining(", ")), r.reason));
        }
      }
      List<Long> timesToAlert = new ArrayList<>();
      int meant = 0;
      List<String> missed = new ArrayList<>();
      for (LabelledFleet fleet : fleets) {
        for (LabelledFleet.Incident incident : fleet.incidents) {
          if (incident.kind() != target.kind || !target.meantFor.test(incident)) {
            continue;
          }
          meant++;
          mine.stream().filter(r -> r.seed == fleet.seed && matches(r, incident))
              .min(Comparator.comparingLong(Reported::raisedAt))
              .ifPresentOrElse(first -> {
                long tta = first.raisedAt - incident.start();
                timesToAlert.add(tta);
                if (target.kind == LabelledFleet.Kind.BURST && tta > BURST_TIME_TO_ALERT) {
                  missed.add(String.format(Locale.ROOT, "late (%.1f min, first alert on the minute from %s, raised %s): %s",
                      tta / 60_000.0, java.time.Instant.ofEpochMilli(first.start), java.time.Instant.ofEpochMilli(first.raisedAt),
                      incident));
                }
              }, () -> missed.add("missed: " + incident));
        }
      }
      double precision = mine.isEmpty() ? 1 : (double) right / mine.size();
      double recall = meant == 0 ? 1 : (double) timesToAlert.size() / meant;
      timesToAlert.sort(null);
      report.append(String.format(Locale.ROOT, "%-17s %-13s %9d %9.2f %4d/%-4d %6.1f m %6.1f m%n", target.detector,
          target.kind, mine.size(), precision, timesToAlert.size(), meant, minutes(timesToAlert, 0.5),
          minutes(timesToAlert, 1.0)));
      missed.forEach(m -> report.append("    ").append(m).append('\n'));
      if (precision < 0.95) {
        failures.add(target.detector + " precision " + precision);
      }
      if (recall < 0.9) {
        failures.add(target.detector + " recall on " + target.kind + " " + recall);
      }
      // Every burst is caught in time: the spike detector alerts within 2 minutes of its first byte.
      long inTime = timesToAlert.stream().filter(t -> t <= BURST_TIME_TO_ALERT).count();
      if (target.kind == LabelledFleet.Kind.BURST && target.detector.equals(Alerts.UPLOAD_SPIKE)
          && inTime < meant) {
        failures.add("upload-spike alerted on " + inTime + " of " + meant + " bursts within 2 minutes");
      }
    }
    report.append("false alerts:\n");
    falseAlerts.stream().limit(40).forEach(f -> report.append("  ").append(f.length() > 500 ? f.substring(0, 500) : f)
        .append('\n'));
    System.out.println(report);
    assertTrue(failures.isEmpty(), failures + "\n" + report);
  }

  /** An incident reported by the job is right when it names the label's host and vendor and overlaps its time. */
  private static boolean matches(Reported r, LabelledFleet.Incident incident) {
    return r.host.equals(incident.host()) && r.vendor.equals(incident.vendor())
        && r.end > incident.start() && r.start < incident.end() + SLACK;
  }

  /**
   * The job's alert records grouped into the incidents they report, each raised when its first
   * record could be ({@code clock}); those opened before {@code from} are history.
   */
  private static List<Reported> incidents(long seed, List<ExposureAlert> alerts, DetectionRun.ArrivalClock clock,
      long from) {
    Map<String, List<ExposureAlert>> byId = new LinkedHashMap<>();
    alerts.forEach(a -> byId.computeIfAbsent(a.getIncidentId(), k -> new ArrayList<>()).add(a));
    List<Reported> reported = new ArrayList<>();
    for (Map.Entry<String, List<ExposureAlert>> e : byId.entrySet()) {
      List<ExposureAlert> records = e.getValue();
      records.sort(Comparator.comparingInt(ExposureAlert::getVersion));
      ExposureAlert first = records.get(0);
      if (first.getWindowEnd().toEpochMilli() <= from) {
        continue;
      }
      long start = records.stream().mapToLong(a -> a.getWindowStart().toEpochMilli()).min().orElseThrow();
      long end = records.stream().mapToLong(a -> a.getWindowEnd().toEpochMilli()).max().orElseThrow();
      reported.add(new Reported(seed, e.getKey(), first.getDetector(), first.getHost(), first.getVendor(), start, end,
          clock.raisedAt(first), first.getReason()));
    }
    return reported;
  }

  private static double minutes(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1)) / 60_000.0;
  }

  private static long[] seeds() {
    String given = System.getProperty("agentwatch.fleet.seeds", "");
    return given.isBlank() ? SEEDS : Arrays.stream(given.split(",")).mapToLong(s -> Long.parseLong(s.trim())).toArray();
  }

  /** The defaults, the fleet's policy, and any {@code agentwatch.fleet.set} overrides. */
  private static DetectionConfig config() {
    Map<String, Object> given = new HashMap<>();
    LabelledFleet.POLICY.forEach((vendor, tag) -> given.put("detect.policy.vendors." + vendor, tag));
    for (String pair : System.getProperty("agentwatch.fleet.set", "").split(",")) {
      if (!pair.isBlank()) {
        given.put(pair.substring(0, pair.indexOf('=')).trim(), pair.substring(pair.indexOf('=') + 1).trim());
      }
    }
    Settings settings = Settings.load(DetectionConfig.SETTINGS, null, Map.of(), given);
    DetectionConfig config = DetectionConfig.from(settings);
    settings.throwIfProblems();
    return config;
  }

  /** Index → record of the fleet; the fleet is generated once per JVM from its seed. */
  private static final class RecordAt implements MapFunction<Long, FlowRecord> {
    private final long seed;

    RecordAt(long seed) {
      this.seed = seed;
    }

    @Override
    public FlowRecord map(Long index) {
      return LabelledFleet.of(seed).records.get(index.intValue());
    }
  }
}
