package io.agentwatch.jobs.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.functions.MapFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bursts whose bytes reach the job after their minute closed, run as the job runs (the job's
 * out-of-orderness, window and allowed lateness, {@link DetectionRun}): a burst record delivered
 * 90 s late, and a 90-second burst record that straddles a minute (its first part is late because
 * the record is reported only when it ends). Each alerts as soon as its record arrives, once, and
 * its incident holds the burst's bytes once. And a slow upload over one long connection whose
 * minutes are each complete only after they closed is one sustained upload.
 */
class LatePartsTest {

  private static final Instant DAY = Instant.parse("2026-12-01T00:00:00Z");
  private static final long MINUTE = 60_000;
  private static final long KB = 1_000;
  private static final long MB = 1_000_000;
  private static final int LATE_BURST = 200;
  private static final int STRADDLING_BURST = 210;
  private static final int SLOW_UPLOAD = 120;

  /** In arrival order; the sources read it by index. */
  private static final List<FlowRecord> RECORDS = new ArrayList<>();
  private static List<ExposureAlert> alerts;
  private static DetectionRun.ArrivalClock clock;

  private record Arrival(long at, FlowRecord record) {}

  @BeforeAll
  static void runTheDetectors() throws Exception {
    List<Arrival> arrivals = new ArrayList<>();
    Random random = new Random(7);
    for (int m = 0; m < 240; m++) {
      for (String host : List.of("late-1", "straddle-2", "steady-3", "steady-4", "slow-5")) {
        long up = (long) ((host.startsWith("steady") ? 300 * KB : 30 * KB) * (0.8 + 0.4 * random.nextDouble()));
        arrive(arrivals, IncidentsTest.flow(host, "anthropic", "api", at(m).plusSeconds(10), at(m).plusSeconds(50),
            up, 3 * up), 0);
      }
    }
    // 20 MB within one minute, from a host that sends ~30 kB a minute, delivered 90 s late: its
    // minute has closed when it arrives (within the allowed lateness).
    arrive(arrivals, IncidentsTest.flow("late-1", "anthropic", "api", at(LATE_BURST).plusSeconds(10),
        at(LATE_BURST).plusSeconds(50), 20 * MB, 20 * KB), 90_000);
    // 30 MB over 90 s from second 20 of a minute, reported when it ends: 40 s of it (13.3 MB) fall
    // into a minute that closed 30 s before the record arrived.
    arrive(arrivals, IncidentsTest.flow("straddle-2", "anthropic", "api", at(STRADDLING_BURST).plusSeconds(20),
        at(STRADDLING_BURST + 1).plusSeconds(50), 30 * MB, 30 * KB), 0);
    // 1.2 MB a minute for 30 minutes over one long connection reported every minute, each record
    // from second 40 of a minute to second 40 of the next, arriving 15 s later: when a minute
    // closes (the others' records of second 50 move the watermark past it) it holds only the 0.8 MB
    // of the record reported in it, below the sustained floor of 1 MB; its other 0.4 MB come with
    // the next record, after it closed.
    for (int m = SLOW_UPLOAD; m < SLOW_UPLOAD + 30; m++) {
      arrive(arrivals, IncidentsTest.flow("slow-5", "openai", "api", at(m).plusSeconds(40), at(m + 1).plusSeconds(40),
          1_200 * KB, 20 * KB), 15_000);
    }
    arrivals.sort(Comparator.comparingLong(Arrival::at));
    arrivals.forEach(a -> RECORDS.add(a.record()));
    alerts = DetectionRun.alerts("late parts", RECORDS.size(), new RecordAt(), DetectionConfig.defaults());
    clock = new DetectionRun.ArrivalClock(RECORDS);
    alerts.forEach(a -> System.out.println(a.getDetector() + " " + a.getHost() + " " + a.getState() + " "
        + a.getWindowStart() + ".." + a.getWindowEnd() + " total " + a.getTotalBytes() + " raised by "
        + Instant.ofEpochMilli(clock.raisedAt(a))));
  }

  @Test
  void aBurstRecordDeliveredAfterItsMinuteClosedAlertsWhenItArrives() {
    List<ExposureAlert> spike = spikes("late-1");
    assertEquals(1, spike.stream().map(ExposureAlert::getIncidentId).distinct().count(), spike.toString());
    ExposureAlert open = spike.get(0);
    assertEquals(at(LATE_BURST), open.getWindowStart());
    assertEquals("anthropic", open.getVendor());
    // Raised when the record arrived (its minute had closed), and in time.
    long timeToAlert = clock.raisedAt(open) - at(LATE_BURST).plusSeconds(10).toEpochMilli();
    assertTrue(timeToAlert <= Duration.ofMinutes(2).toMillis(), "time to alert " + timeToAlert + " ms");
    ExposureAlert closed = spike.get(spike.size() - 1);
    assertEquals("closed", closed.getState());
    assertBurstOnce(closed, 20 * MB, 1);
  }

  @Test
  void aBurstStraddlingAClosedMinuteAlertsOnItsFirstMinuteAndCountsItsBytesOnce() {
    List<ExposureAlert> spike = spikes("straddle-2");
    assertEquals(1, spike.stream().map(ExposureAlert::getIncidentId).distinct().count(), spike.toString());
    assertEquals(at(STRADDLING_BURST), spike.get(0).getWindowStart(), "the incident starts in the first minute");
    long timeToAlert = clock.raisedAt(spike.get(0)) - at(STRADDLING_BURST).plusSeconds(20).toEpochMilli();
    assertTrue(timeToAlert <= Duration.ofSeconds(90).toMillis(), "time to alert " + timeToAlert + " ms");
    ExposureAlert closed = spike.get(spike.size() - 1);
    assertEquals("closed", closed.getState());
    assertEquals(at(STRADDLING_BURST + 2), closed.getWindowEnd());
    assertBurstOnce(closed, 30 * MB, 2);
  }

  @Test
  void aSlowUploadOverOneLongConnectionIsOneSustainedIncidentThoughEachMinuteClosesBeforeItsLastPart() {
    List<ExposureAlert> sustained = alerts.stream()
        .filter(a -> a.getHost().equals("slow-5") && a.getDetector().equals(Alerts.SUSTAINED_UPLOAD))
        .sorted(Comparator.comparingInt(ExposureAlert::getVersion)).toList();
    assertEquals(1, sustained.stream().map(ExposureAlert::getIncidentId).distinct().count(), sustained.toString());
    assertEquals("openai", sustained.get(0).getVendor());
    // Its first minute holds only 0.4 MB, its last 0.8 MB: the 29 minutes between are the upload.
    assertEquals(at(SLOW_UPLOAD + 1), sustained.get(0).getWindowStart());
    ExposureAlert closed = sustained.get(sustained.size() - 1);
    assertEquals("closed", closed.getState());
    assertEquals(at(SLOW_UPLOAD + 30), closed.getWindowEnd());
    assertEquals(29, closed.getWindows());
  }

  /** The incident holds exactly what its host uploaded in its minutes (the burst and its usual traffic), each byte once. */
  private static void assertBurstOnce(ExposureAlert closed, long burst, int minutes) {
    assertEquals(minutes, closed.getWindows());
    long sent = RECORDS.stream().filter(r -> r.getHost().equals(closed.getHost())
            && r.getLastSeen().isAfter(closed.getWindowStart()) && r.getFirstSeen().isBefore(closed.getWindowEnd()))
        .mapToLong(FlowRecord::getBytesUp).sum();
    assertTrue(sent > burst, "the burst is in its minutes");
    assertEquals(sent, closed.getTotalBytes(), "the incident's total");
  }

  private static List<ExposureAlert> spikes(String host) {
    return alerts.stream().filter(a -> a.getHost().equals(host) && a.getDetector().equals(Alerts.UPLOAD_SPIKE))
        .sorted(Comparator.comparingInt(ExposureAlert::getVersion)).toList();
  }

  private static void arrive(List<Arrival> arrivals, FlowRecord record, long delayMillis) {
    arrivals.add(new Arrival(record.getLastSeen().toEpochMilli() + delayMillis, record));
  }

  private static Instant at(int minute) {
    return DAY.plusMillis(minute * MINUTE);
  }

  /** Index → record, in the MiniCluster of this JVM. */
  private static final class RecordAt implements MapFunction<Long, FlowRecord> {
    @Override
    public FlowRecord map(Long index) {
      return RECORDS.get(index.intValue());
    }
  }
}
