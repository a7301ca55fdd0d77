package io.agentwatch.jobs.detect;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.MapFunction;
import org.junit.jupiter.api.Test;

/**
 * The detectors on labelled synthetic traffic (see {@link SyntheticFleet}): 60 hosts, 3 days with a
 * daily rhythm, 18 injected incidents. Runs the real window aggregate and detectors in a Flink
 * MiniCluster, then scores each detector strictly: precision (its alerts that name the host and
 * vendor of a labelled incident, in its time), recall (incidents of the kinds it is meant for that it alerted on) and time to alert
 * (end of the alerting window minus the incident's start, event time).
 */
class DetectionAccuracyTest {

  private static final long SEED = 20261102L;
  private static final long SLACK = Duration.ofMinutes(30).toMillis();

  /** Which incidents each detector is meant to catch. */
  private static final Map<String, Set<SyntheticFleet.Kind>> TARGETS = Map.of(
      Alerts.UPLOAD_SPIKE, EnumSet.of(SyntheticFleet.Kind.BURST),
      Alerts.FLEET_OUTLIER, EnumSet.of(SyntheticFleet.Kind.BURST),
      Alerts.UPLOAD_HEAVY, EnumSet.of(SyntheticFleet.Kind.BURST),
      Alerts.SUSTAINED_UPLOAD, EnumSet.of(SyntheticFleet.Kind.SLOW),
      Alerts.FIRST_CONTACT, EnumSet.of(SyntheticFleet.Kind.FIRST_CONTACT));

  @Test
  void everyDetectorHasPrecisionAndRecallOfAtLeastNinetyPercentOnTheLabelledFleet() throws Exception {
    SyntheticFleet fleet = SyntheticFleet.of(SEED);
    assertTrue(fleet.hosts >= 50 && fleet.days >= 3, "a fleet of at least 50 hosts over at least 3 days");

    long started = System.nanoTime();
    List<ExposureAlert> alerts = runDetectors(fleet);
    long millis = (System.nanoTime() - started) / 1_000_000;

    StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
        "detection on %d hosts × %d days, %d flow records, %d incidents (%d per kind), %d alerts, %d ms%n",
        fleet.hosts, fleet.days, fleet.records.size(), fleet.incidents.size(), fleet.incidents.size() / 3,
        alerts.size(), millis));
    report.append(String.format(Locale.ROOT, "%-17s %7s %9s %6s %9s  %s%n",
        "detector", "alerts", "precision", "recall", "TTA p50", "TTA max"));
    List<String> failures = new ArrayList<>();
    for (String detector : List.of(Alerts.UPLOAD_SPIKE, Alerts.SUSTAINED_UPLOAD, Alerts.FIRST_CONTACT,
        Alerts.UPLOAD_HEAVY, Alerts.FLEET_OUTLIER)) {
      List<ExposureAlert> mine = alerts.stream().filter(a -> a.getDetector().equals(detector)).toList();
      long correct = mine.stream().filter(a -> fleet.incidents.stream().anyMatch(i -> matches(a, i))).count();
      List<SyntheticFleet.Incident> targets = fleet.incidents.stream()
          .filter(i -> TARGETS.get(detector).contains(i.kind())).toList();
      List<Long> timesToAlert = new ArrayList<>();
      for (SyntheticFleet.Incident incident : targets) {
        mine.stream().filter(a -> matches(a, incident))
            .mapToLong(a -> a.getWindowEnd().toEpochMilli() - incident.start()).min()
            .ifPresent(timesToAlert::add);
      }
      double precision = mine.isEmpty() ? 0 : (double) correct / mine.size();
      double recall = (double) timesToAlert.size() / targets.size();
      timesToAlert.sort(null);
      report.append(String.format(Locale.ROOT, "%-17s %7d %9.2f %6.2f %7.1f m  %5.1f m%n", detector, mine.size(),
          precision, recall, percentileMinutes(timesToAlert, 0.5), percentileMinutes(timesToAlert, 1.0)));
      if (precision < 0.9 || recall < 0.9) {
        failures.add(detector + " precision " + precision + " recall " + recall);
      }
    }
    report.append("examples:\n");
    alerts.stream().map(ExposureAlert::getDetector).distinct().sorted().forEach(d -> alerts.stream()
        .filter(a -> a.getDetector().equals(d)).findFirst()
        .ifPresent(a -> report.append("  ").append(d).append(": ").append(a.getReason())
            .append(" | top flows ").append(a.getTopFlows()).append('\n')));
    System.out.println(report);
    assertTrue(failures.isEmpty(), failures + "\n" + report);
  }

  /** An alert is right when it names the incident's host and vendor and overlaps the incident (with slack). */
  private static boolean matches(ExposureAlert alert, SyntheticFleet.Incident incident) {
    return alert.getHost().equals(incident.host()) && alert.getVendor().equals(incident.vendor())
        && alert.getWindowEnd().toEpochMilli() > incident.start()
        && alert.getWindowStart().toEpochMilli() < incident.end() + SLACK;
  }

  private static double percentileMinutes(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1)) / 60_000.0;
  }

  private static List<ExposureAlert> runDetectors(SyntheticFleet fleet) throws Exception {
    return DetectionRun.alerts("detection accuracy", fleet.records.size(), new RecordAt(SEED), DetectionConfig.defaults());
  }

  /** Index → record of the fleet; the fleet is generated once per JVM from its seed. */
  private static final class RecordAt implements MapFunction<Long, FlowRecord> {
    private final long seed;

    RecordAt(long seed) {
      this.seed = seed;
    }

    @Override
    public FlowRecord map(Long index) {
      return SyntheticFleet.of(seed).records.get(index.intValue());
    }
  }
}
