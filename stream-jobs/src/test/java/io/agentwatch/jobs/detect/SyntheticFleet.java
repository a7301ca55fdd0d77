package io.agentwatch.jobs.detect;

import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.schema.Transport;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A labelled fleet for the detectors: hosts with a daily rhythm (busy in their working hours, a
 * little in the evening, almost nothing at night), each using one to three AI vendors with its own
 * typical request size, and injected incidents on days 2 and later: large upload bursts, slow
 * sustained uploads, first contacts with a vendor the host never used. Deterministic per seed.
 */
final class SyntheticFleet {

  static {
    SchemaTrust.ensure();
  }

  enum Kind { BURST, SLOW, FIRST_CONTACT }

  /** One injected incident: the truth the detectors are scored against. */
  record Incident(Kind kind, String host, String vendor, long start, long end) {}

  record Vendor(String name, String service, String[] addresses) {}

  static final List<Vendor> USUAL = List.of(
      new Vendor("anthropic", "anthropic-api", new String[] {"160.79.104.10", "160.79.104.11"}),
      new Vendor("openai", "openai-api", new String[] {"162.159.140.245", "172.66.0.243"}),
      new Vendor("github-copilot", "copilot", new String[] {"140.82.112.22", "140.82.113.22"}),
      new Vendor("google", "gemini-api", new String[] {"142.250.74.10"}),
      new Vendor("mistral", "mistral-api", new String[] {"51.159.0.1"}));
  static final Vendor NEW_VENDOR = new Vendor("deepseek", "deepseek-api", new String[] {"47.246.1.10"});

  private static final long MINUTE = 60_000;
  private static final long MB = 1_000_000;
  private static final Map<Long, SyntheticFleet> CACHE = new ConcurrentHashMap<>();

  final Instant start;
  final int hosts;
  final int days;
  final List<FlowRecord> records = new ArrayList<>();
  final List<Incident> incidents = new ArrayList<>();

  private SyntheticFleet(Instant start, int hosts, int days) {
    this.start = start;
    this.hosts = hosts;
    this.days = days;
  }

  /** The fleet for {@code seed}, generated once per JVM (the Flink source maps indexes to it). */
  static SyntheticFleet of(long seed) {
    return CACHE.computeIfAbsent(seed, s -> generate(Instant.parse("2026-11-02T00:00:00Z"), 60, 3, s));
  }

  static SyntheticFleet generate(Instant start, int hostCount, int days, long seed) {
    SyntheticFleet fleet = new SyntheticFleet(start, hostCount, days);
    Random random = new Random(seed);
    long t0 = start.toEpochMilli();
    long minutes = Duration.ofDays(days).toMinutes();
    int incidentsPerKind = 6;
    for (int h = 0; h < hostCount; h++) {
      String host = String.format("host-%02d", h);
      int shift = random.nextInt(4);
      double typicalUpload = Math.exp(Math.log(200_000) + random.nextDouble() * Math.log(1_500_000 / 200_000.0));
      List<Vendor> vendors = new ArrayList<>(USUAL);
      java.util.Collections.shuffle(vendors, random);
      vendors = vendors.subList(0, 1 + random.nextInt(3));
      for (long m = 0; m < minutes; m++) {
        long minuteStart = t0 + m * MINUTE;
        int hour = (int) ((m / 60 + 24 - shift) % 24);
        if (random.nextDouble() < activity(hour)) {
          int flows = 1 + random.nextInt(4);
          for (int f = 0; f < flows; f++) {
            Vendor v = vendors.get(random.nextInt(vendors.size()));
            long up = (long) (typicalUpload * Math.exp(0.6 * random.nextGaussian()));
            long down = (long) (up * Math.exp(0.4 + 0.5 * random.nextGaussian()));
            fleet.records.add(flow(host, h, v, minuteStart + random.nextInt(59_000), up, down, random));
          }
        }
      }
      // Incidents on hosts 0..17, one per host, in working hours of day 2 or 3.
      if (h < 3 * incidentsPerKind) {
        Kind kind = Kind.values()[h / incidentsPerKind];
        int day = 1 + random.nextInt(days - 1);
        long at = t0 + Duration.ofDays(day).toMillis() + Duration.ofHours(10 + shift + random.nextInt(5)).toMillis()
            + random.nextInt(60) * MINUTE;
        fleet.incidents.add(fleet.inject(kind, host, h, vendors.get(0), at, random));
      }
    }
    fleet.records.sort(Comparator.comparing(FlowRecord::getLastSeen));
    return fleet;
  }

  private Incident inject(Kind kind, String host, int h, Vendor usual, long at, Random random) {
    switch (kind) {
      case BURST: {
        // Two minutes, three flows of 80-150 MB each per minute, almost nothing back.
        for (int m = 0; m < 2; m++) {
          for (int f = 0; f < 3; f++) {
            records.add(flow(host, h, usual, at + m * MINUTE + random.nextInt(59_000),
                80 * MB + (long) (random.nextDouble() * 70 * MB), 50_000, random));
          }
        }
        return new Incident(kind, host, usual.name(), at, at + 2 * MINUTE);
      }
      case SLOW: {
        // 45 minutes of 20-25 MB per minute: below every single-window floor, far above the host's usual.
        for (int m = 0; m < 45; m++) {
          records.add(flow(host, h, usual, at + m * MINUTE + random.nextInt(59_000),
              20 * MB + (long) (random.nextDouble() * 5 * MB), 20_000, random));
        }
        return new Incident(kind, host, usual.name(), at, at + 45 * MINUTE);
      }
      default: {
        // A handful of ordinary-sized requests to a vendor the host never used.
        for (int m = 0; m < 5; m++) {
          records.add(flow(host, h, NEW_VENDOR, at + m * MINUTE + random.nextInt(59_000), 400_000, 900_000, random));
        }
        return new Incident(kind, host, NEW_VENDOR.name(), at, at + 5 * MINUTE);
      }
    }
  }

  /** Share of a host's minutes with AI traffic at a local hour: the daily rhythm. */
  private static double activity(int hour) {
    if (hour == 12) {
      return 0.25;
    }
    if (hour >= 8 && hour < 18) {
      return 0.5;
    }
    if (hour >= 18 && hour < 21) {
      return 0.05;
    }
    return 0.01;
  }

  /**
   * The labels put an incident's bytes in the minute of its records' last_seen; the job spreads a
   * record over the minutes it lasted, so a record here starts no earlier than its last minute.
   */
  private static Instant withinItsMinute(Instant last, Instant first) {
    Instant minute = last.truncatedTo(ChronoUnit.MINUTES);
    return first.isBefore(minute) ? minute : first;
  }

  private static FlowRecord flow(String host, int h, Vendor vendor, long lastSeen, long up, long down, Random random) {
    Instant last = Instant.ofEpochMilli(lastSeen);
    return FlowRecord.newBuilder()
        .setSensorId("synthetic").setSequence(0).setHost(host)
        .setSrcIp("10.0." + (h / 250) + "." + (h % 250 + 1)).setSrcPort(40_000 + random.nextInt(20_000))
        .setDstIp(vendor.addresses()[random.nextInt(vendor.addresses().length)]).setDstPort(443)
        .setTransport(Transport.TCP)
        .setFirstSeen(withinItsMinute(last, last.minusMillis(1_000 + random.nextInt(20_000)))).setLastSeen(last)
        .setPacketsUp(up / 1200 + 1).setPacketsDown(down / 1200 + 1).setBytesUp(up).setBytesDown(down)
        .setSni("api." + vendor.name() + ".example").setVendor(vendor.name()).setService(vendor.service())
        .setCategory("llm-api").setIdentifiedBy(Evidence.SNI).setEndReason(EndReason.FIN)
        .build();
  }
}
