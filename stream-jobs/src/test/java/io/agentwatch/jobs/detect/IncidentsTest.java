package io.agentwatch.jobs.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.config.Settings;
import io.agentwatch.jobs.aggregate.HostVendorWindows;
import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.schema.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The detectors and their incidents on one small fleet of hosts, each with its own story over 12
 * hours of one-minute traffic (every host active every minute, so the warm-up is long past when
 * its story starts), run through the real window aggregate and detectors in a Flink MiniCluster:
 * a 90-minute sustained upload, a short burst, a quiet host uploading tens of MB at night, a burst
 * on a host whose minutes vary widely (with a day of history before the others start), a host
 * whose level steps up for good, a host that starts using an unsanctioned vendor, and two decoys
 * (large downloads; large uploads to a host that is no AI vendor).
 */
class IncidentsTest {

  static {
    SchemaTrust.ensure();
  }

  private static final Instant DAY = Instant.parse("2026-12-01T00:00:00Z");
  private static final long MINUTE = 60_000;
  private static final long KB = 1_000;
  private static final long MB = 1_000_000;

  private static List<ExposureAlert> alerts;

  @BeforeAll
  static void runTheDetectors() throws Exception {
    List<FlowRecord> flows = new ArrayList<>();
    Random random = new Random(42);
    // A host whose minutes vary widely (log-normal, σ 1: its p99 ~10× its median of 185 kB), a day
    // of history before the others start ...
    Random volatility = new Random(8);
    for (int m = -1400; m < 720; m++) {
      flows.add(flow("volatile-8", "github-copilot", "copilot", m,
          (long) (185 * KB * Math.exp(volatility.nextGaussian())), 100 * KB));
      if (m >= 600 && m < 604) { // ... uploads 21 MB a minute for 4 minutes: ~115× its median, 3× its largest minute
        flows.add(flow("volatile-8", "github-copilot", "copilot", m, 21 * MB, 20 * KB));
      }
    }
    for (int m = 0; m < 720; m++) {
      normal(flows, random, "build-42", "openai", "api", m, 100 * KB);
      normal(flows, random, "burst-7", "anthropic", "api", m, 200 * KB);
      normal(flows, random, "small-3", "anthropic", "api", m, 30 * KB);
      normal(flows, random, "step-5", "google-gemini", "gemini-api", m, m < 240 ? 100 * KB : 3 * MB);
      normal(flows, random, "decoy-1", "openai", "chatgpt", m, 100 * KB);
      normal(flows, random, "decoy-2", "github-copilot", "copilot", m, 100 * KB);
      normal(flows, random, "shadow-9", "openai", "api", m, 100 * KB);
      if (m >= 240 && m < 330) { // 90 minutes of 1.5 MB a minute: below a spike, far above its 100 kB
        flows.add(flow("build-42", "openai", "api", m, 1_500 * KB, 30 * KB));
      }
      if (m >= 300 && m < 303) { // a 3-minute burst of 50 MB a minute, then quiet
        flows.add(flow("burst-7", "anthropic", "api", m, 50 * MB, 40 * KB));
      }
      if (m >= 180 && m < 185) { // 03:00 UTC, a host that sends ~30 kB a minute: 20 MB a minute for 5 minutes
        flows.add(flow("small-3", "anthropic", "api", m, 20 * MB, 20 * KB));
      }
      if (m >= 300 && m < 310) { // decoys: a large download from an AI vendor; a large upload to no AI vendor
        flows.add(flow("decoy-1", "openai", "chatgpt", m, 200 * KB, 500 * MB));
        flows.add(flow("decoy-2", null, null, m, 200 * MB, 100 * KB));
      }
      if (m >= 200 && m % 30 == 0) { // a vendor the policy tags unsanctioned, every half hour
        flows.add(flow("shadow-9", "deepseek", "api", m, 50 * KB, 80 * KB));
      }
    }
    flows.sort(Comparator.comparing(FlowRecord::getLastSeen));

    Settings settings = Settings.load(DetectionConfig.SETTINGS, null, Map.of(), Map.of(
        "detect.first-contact.warmup", "2h", "detect.policy.vendors.deepseek", "unsanctioned"));
    DetectionConfig config = DetectionConfig.from(settings);
    settings.throwIfProblems();

    Configuration flink = new Configuration();
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    env.setParallelism(2);
    env.getConfig().enableObjectReuse(); // as AgentWatchJob runs
    DataStream<FlowRecord> source = env.fromData(new AvroTypeInfo<>(FlowRecord.class), flows.toArray(FlowRecord[]::new))
        .setParallelism(1)
        .assignTimestampsAndWatermarks(WatermarkStrategy.<FlowRecord>forBoundedOutOfOrderness(Duration.ofSeconds(5))
            .withTimestampAssigner((flow, previous) -> flow.getLastSeen().toEpochMilli()))
        .setParallelism(1);
    List<ExposureAlert> collected = new ArrayList<>();
    try (CloseableIterator<ExposureAlert> it = Detection.alerts(
        HostVendorWindows.of(source, Duration.ofMinutes(1), Duration.ZERO), Duration.ofMinutes(1), config)
        .executeAndCollect("incidents")) {
      it.forEachRemaining(collected::add);
    }
    alerts = collected;
    alerts.forEach(a -> System.out.println(a.getDetector() + " " + a.getState() + " v" + a.getVersion() + " "
        + a.getSeverity() + " " + a.getWindowStart() + ".." + a.getWindowEnd() + " " + a.getReason()));
  }

  @Test
  void aNinetyMinuteSustainedUploadIsOneIncidentWithStartEndTotalAndPeak() {
    List<ExposureAlert> sustained = of("build-42", Alerts.SUSTAINED_UPLOAD);
    assertEquals(1, incidents(sustained), sustained.toString());
    assertEquals("open", sustained.get(0).getState());
    ExposureAlert closed = last(sustained);
    assertEquals("closed", closed.getState());
    assertEquals(at(240), closed.getWindowStart());
    assertEquals(at(330), closed.getWindowEnd());
    assertEquals(90, closed.getWindows());
    assertTrue(closed.getTotalBytes() >= 90 * 1_500 * KB, "total " + closed.getTotalBytes());
    assertTrue(closed.getPeakBytes() >= 1_500 * KB && closed.getPeakWindowStart().compareTo(at(240)) >= 0);
    assertTrue(sustained.size() <= 2 + 90 / 15 + 3, "updates at most every 15 minutes: " + sustained.size());
    assertEquals("openai", closed.getVendor());
    assertTrue(of("build-42", Alerts.UPLOAD_SPIKE).isEmpty(), "1.5 MB a minute is no spike");
  }

  @Test
  void aBurstThenQuietOpensAndClosesOneIncident() {
    List<ExposureAlert> spike = of("burst-7", Alerts.UPLOAD_SPIKE);
    assertEquals(List.of("open", "closed"), spike.stream().map(ExposureAlert::getState).toList());
    assertEquals(1, incidents(spike));
    ExposureAlert closed = last(spike);
    assertEquals(3, closed.getWindows());
    assertEquals(at(300), closed.getWindowStart());
    assertEquals(at(303), closed.getWindowEnd());
    assertTrue(closed.getTotalBytes() >= 150 * MB, "total " + closed.getTotalBytes());
    assertEquals(List.of("anthropic"), closed.getVendorBreakdown().stream().map(v -> v.getVendor()).toList());
  }

  @Test
  void aQuietHostUploadingTensOfMegabytesAtNightAlertsNamingHostAndVendorWithinTwoMinutes() {
    ExposureAlert first = of("small-3", Alerts.UPLOAD_SPIKE).get(0);
    assertEquals("anthropic", first.getVendor());
    assertTrue(first.getWindowEnd().compareTo(at(182)) <= 0, "alerted at " + first.getWindowEnd());
    assertTrue(first.getReason().startsWith("small-3 uploaded 20.0 MB to anthropic (api) in the minute from 03:00 UTC"),
        first.getReason());
  }

  @Test
  void aBurstOnAHostWhoseMinutesVaryWidelyAlertsOnItsFirstMinute() {
    List<ExposureAlert> spike = of("volatile-8", Alerts.UPLOAD_SPIKE);
    assertEquals(1, incidents(spike), "the burst, and none of the host's own wide minutes: " + spike);
    assertEquals(at(600), spike.get(0).getWindowStart(), spike.get(0).getReason());
    assertEquals("github-copilot", spike.get(0).getVendor());
    assertEquals(at(604), last(spike).getWindowEnd());
  }

  @Test
  void aHostWhoseLevelStepsUpForGoodAlertsOnceThenAdapts() {
    List<ExposureAlert> step = alerts.stream().filter(a -> a.getHost().equals("step-5")).toList();
    assertFalse(step.isEmpty(), "the step alerts");
    for (String detector : List.of(Alerts.UPLOAD_SPIKE, Alerts.SUSTAINED_UPLOAD)) {
      assertTrue(incidents(of("step-5", detector)) <= 1, detector + ": " + of("step-5", detector));
    }
    assertTrue(step.stream().allMatch(a -> a.getWindowEnd().compareTo(at(240 + 240)) < 0),
        "nothing four hours after the step: " + step);
  }

  @Test
  void decoysDoNotAlert() {
    assertEquals(List.of(), alerts.stream().filter(a -> a.getHost().startsWith("decoy")).toList());
  }

  @Test
  void theFirstUseOfAnUnsanctionedVendorRaisesOnePolicyAlertForTheDay() {
    List<ExposureAlert> policy = of("shadow-9", Alerts.POLICY);
    assertEquals(1, incidents(policy), policy.toString());
    assertEquals("deepseek", policy.get(0).getVendor());
    assertEquals("unsanctioned", policy.get(0).getPolicy());
    assertEquals("medium", policy.get(0).getSeverity(), "low (no score) raised one step by the policy");
    assertEquals(at(210), policy.get(0).getWindowStart());
    ExposureAlert contact = of("shadow-9", Alerts.FIRST_CONTACT).get(0);
    assertEquals(0, contact.getBaseline());
    assertEquals(0, contact.getScore());
    assertTrue(contact.getBaselineKind().startsWith("none"), contact.getBaselineKind());
  }

  @Test
  void everyAlertNamesTheVendorThatReceivedTheDataInItsFieldsAndItsReason() {
    assertTrue(alerts.stream().map(ExposureAlert::getDetector).distinct().count() >= 5,
        "spike, sustained, upload-heavy, first contact and policy alerts: " + alerts);
    for (ExposureAlert alert : alerts) {
      assertFalse(alert.getVendor().isEmpty(), alert.toString());
      assertTrue(alert.getReason().contains(alert.getVendor()), alert.getReason());
      assertFalse(alert.getVendorBreakdown().isEmpty(), alert.toString());
      assertEquals(alert.getVendor(), alert.getVendorBreakdown().get(0).getVendor());
      assertFalse(alert.getIncidentId().isEmpty() || alert.getSeverity().isEmpty() || alert.getBaselineKind().isEmpty(),
          alert.toString());
    }
  }

  private static List<ExposureAlert> of(String host, String detector) {
    return alerts.stream().filter(a -> a.getHost().equals(host) && a.getDetector().equals(detector))
        .sorted(Comparator.comparing(ExposureAlert::getIncidentId).thenComparing(ExposureAlert::getVersion)).toList();
  }

  private static long incidents(List<ExposureAlert> alerts) {
    return alerts.stream().map(ExposureAlert::getIncidentId).collect(Collectors.toSet()).size();
  }

  private static ExposureAlert last(List<ExposureAlert> alerts) {
    return alerts.get(alerts.size() - 1);
  }

  private static Instant at(int minute) {
    return DAY.plusMillis(minute * MINUTE);
  }

  private static void normal(List<FlowRecord> flows, Random random, String host, String vendor, String service, int m,
      long up) {
    long jittered = (long) (up * (0.8 + 0.4 * random.nextDouble()));
    flows.add(flow(host, vendor, service, m, jittered, jittered * 3));
  }

  /** One flow whose whole life is within second 10..50 of minute {@code m}: its bytes belong to that minute. */
  private static FlowRecord flow(String host, String vendor, String service, int m, long up, long down) {
    return flow(host, vendor, service, at(m).plusSeconds(10), at(m).plusSeconds(50), up, down);
  }

  /** One flow of {@code host} to {@code vendor} (null: a host that is no AI vendor) from {@code first} to {@code last}. */
  static FlowRecord flow(String host, String vendor, String service, Instant first, Instant last, long up, long down) {
    return FlowRecord.newBuilder()
        .setSensorId("test").setSequence(0).setHost(host)
        .setSrcIp("10.0.0." + (Math.abs(host.hashCode()) % 250 + 1))
        .setSrcPort(40_000 + (int) Math.floorMod((last.toEpochMilli() - DAY.toEpochMilli()) / MINUTE, 20_000))
        .setDstIp(vendor == null ? "93.184.216.34" : "160.79.104.10").setDstPort(443)
        .setTransport(Transport.TCP)
        .setFirstSeen(first).setLastSeen(last)
        .setPacketsUp(up / 1200 + 1).setPacketsDown(down / 1200 + 1).setBytesUp(up).setBytesDown(down)
        .setSni(vendor == null ? "backup.example.com" : "api." + vendor + ".example")
        .setVendor(vendor).setService(service)
        .setCategory(vendor == null ? null : "llm-api").setIdentifiedBy(vendor == null ? Evidence.NONE : Evidence.SNI)
        .setEndReason(EndReason.FIN)
        .build();
  }
}
