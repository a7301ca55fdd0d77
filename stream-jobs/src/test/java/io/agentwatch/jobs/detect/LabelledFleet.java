package io.agentwatch.jobs.detect;

import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.schema.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A labelled fleet with what real fleets have, generated from a seed (the detectors are judged on
 * fleets and incidents they were not tuned to):
 * <ul>
 *   <li>hosts whose usual upload per active minute spans four orders of magnitude (15 kB to 40 MB),
 *       each with its own spread, time zone and sessions (activity comes in runs, not coin flips);
 *       office hours on weekdays, quiet nights and weekends; heavy steady users busy nearly every
 *       working minute; always-on hosts (build agents) active day and night;</li>
 *   <li>one to three usual vendors per host, and on some hosts a vendor used one hour a week;</li>
 *   <li>long connections: some traffic comes as records spanning up to four minutes (the job
 *       spreads their bytes over first_seen..last_seen); records arrive a few seconds after
 *       their last_seen, some out of order, a few minutes late;</li>
 *   <li>decoys that must not alert: a nightly job at the same time every night, gradual growth,
 *       large downloads, large uploads to hosts that are no AI vendor, the weekly vendor, and a
 *       level step (the host's usage rises 8× for good: it may alert until the end of its first
 *       working day at the new level, never after);</li>
 *   <li>incidents relative to each host's own normal, mostly on small hosts and at any hour: bursts
 *       (1–5 minutes, 5–50× the host's own 99.9th percentile minute, at least 40× its usual minute
 *       and 3 MB a minute), slow sustained
 *       uploads (30–120 minutes at 15–50× its usual minute, at least 1.5 MB a minute), first contact
 *       with a vendor the host never used, and uploads to an unsanctioned vendor.</li>
 * </ul>
 * The first {@link #WARMUP_DAYS} days are history: no incident is placed there and nothing raised
 * then is scored. Deterministic per seed.
 */
final class LabelledFleet {

  static {
    SchemaTrust.ensure();
  }

  enum Kind { BURST, SLOW, NEW_VENDOR, UNSANCTIONED, LEVEL_STEP, DECOY }

  /**
   * One labelled stretch of a host's traffic to a vendor; {@code peakPerMinute} is the upload of
   * its strongest minute, {@code what} says what it is in words.
   */
  record Incident(long seed, Kind kind, String host, String vendor, long start, long end, long peakPerMinute,
      String what) {}

  record Vendor(String name, String service, String address) {}

  /** A host's character: the figures the generator draws once per host. */
  record Host(String name, int index, double level, double spread, int utcOffset, Profile profile,
      List<Vendor> vendors) {}

  enum Profile { OFFICE, HEAVY, ALWAYS_ON }

  static final List<Vendor> USUAL = List.of(
      new Vendor("anthropic", "anthropic-api", "160.79.104.10"),
      new Vendor("openai", "openai-api", "162.159.140.245"),
      new Vendor("github-copilot", "copilot", "140.82.112.22"),
      new Vendor("google", "gemini-api", "142.250.74.10"),
      new Vendor("cursor", "cursor-api", "104.18.19.125"));
  static final List<Vendor> RARE = List.of(
      new Vendor("mistral", "mistral-api", "51.159.0.1"),
      new Vendor("xai", "grok-api", "104.18.20.1"),
      new Vendor("openrouter", "openrouter-api", "104.18.2.161"),
      new Vendor("jetbrains-ai", "jetbrains-ai", "34.120.0.7"));
  static final Vendor WEEKLY = new Vendor("amazon-q", "q-developer", "52.94.0.10");
  static final Vendor UNSANCTIONED = new Vendor("deepseek", "deepseek-api", "47.246.1.10");
  /** The policy the fleet is scored under: the unsanctioned vendor above. */
  static final Map<String, String> POLICY = Map.of(UNSANCTIONED.name(), "unsanctioned");

  static final int WARMUP_DAYS = 2;
  /**
   * The widest log-normal spread of an office or always-on host's minutes (1.0;
   * {@code -Dagentwatch.fleet.max-spread} draws fleets of more volatile hosts from the same seeds).
   */
  static final double MAX_SPREAD = Double.parseDouble(System.getProperty("agentwatch.fleet.max-spread", "1.0"));
  static final Instant START = Instant.parse("2026-11-04T00:00:00Z"); // a Wednesday
  private static final int START_WEEKDAY = 2; // Monday = 0
  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  private static final long KB = 1_000;
  private static final long MB = 1_000_000;
  private static final Map<Long, LabelledFleet> CACHE = new ConcurrentHashMap<>();

  final long seed;
  final int hostCount;
  final int days;
  final List<Host> hosts = new ArrayList<>();
  /** In arrival order (last_seen plus the export delay): what the job reads. */
  final List<FlowRecord> records = new ArrayList<>();
  final List<Incident> incidents = new ArrayList<>();
  private final List<Arrival> arrivals = new ArrayList<>();
  private final Random random;
  /** host/vendor pairs of the first contacts placed so far: a host's second first contact is with another vendor. */
  private final java.util.Set<String> contacted = new java.util.HashSet<>();

  private record Arrival(long at, FlowRecord record) {}

  private LabelledFleet(long seed, int hostCount, int days) {
    this.seed = seed;
    this.hostCount = hostCount;
    this.days = days;
    this.random = new Random(seed);
  }

  /** The fleet for {@code seed} (48 hosts, 9 days), generated once per JVM. */
  static LabelledFleet of(long seed) {
    return CACHE.computeIfAbsent(seed, s -> new LabelledFleet(s, 48, 9).generate());
  }

  long scoredFrom() {
    return START.toEpochMilli() + WARMUP_DAYS * DAY;
  }

  private LabelledFleet generate() {
    for (int h = 0; h < hostCount; h++) {
      hosts.add(drawHost(h));
    }
    List<Host> shuffled = new ArrayList<>(hosts);
    Collections.shuffle(shuffled, random);
    // Decoy hosts first (their traffic differs from the start), then the incidents on the others.
    int next = 0;
    Host nightly1 = shuffled.get(next++);
    Host nightly2 = shuffled.get(next++);
    Host nightly3 = shuffled.get(next++);
    Host grower1 = shuffled.get(next++);
    Host grower2 = shuffled.get(next++);
    Host stepper1 = shuffled.get(next++);
    Host stepper2 = shuffled.get(next++);
    Map<Host, Long> steps = Map.of(stepper1, dayAt(3 + random.nextInt(3)) + randomHourOfDay(),
        stepper2, dayAt(3 + random.nextInt(3)) + randomHourOfDay());
    for (Host host : hosts) {
      boolean grows = host == grower1 || host == grower2;
      Long step = steps.get(host);
      normalTraffic(host, grows, step);
      if (step != null) {
        // The whole host steps up; it may alert until the end of its first working day at the new level.
        long until = Math.floorDiv(step, DAY) * DAY + DAY;
        while (weekday(until) >= 5) {
          until += DAY;
        }
        for (Vendor vendor : host.vendors) {
          incidents.add(new Incident(seed, Kind.LEVEL_STEP, host.name, vendor.name(), step, until + DAY, 0,
              "level steps up for good"));
        }
      }
      if (grows) {
        incidents.add(new Incident(seed, Kind.DECOY, host.name, host.vendors.get(0).name(), scoredFrom(), end(), 0,
            "gradual growth, 3× over the days"));
      }
      if (host.index % 3 == 0) {
        weeklyVendor(host);
      }
    }
    for (Host host : List.of(nightly1, nightly2, nightly3)) {
      nightlyJob(host);
    }
    List<Host> rest = new ArrayList<>(shuffled.subList(next, shuffled.size()));
    // Small hosts matter most: incidents go to the smaller half twice as often.
    rest.sort(Comparator.comparingDouble(Host::level));
    List<Host> targets = new ArrayList<>(rest);
    targets.addAll(rest.subList(0, rest.size() / 2));
    Collections.shuffle(targets, random);
    int t = 0;
    for (int i = 0; i < 10; i++) {
      burst(targets.get(t++ % targets.size()));
    }
    for (int i = 0; i < 8; i++) {
      slowUpload(targets.get(t++ % targets.size()));
    }
    for (int i = 0; i < 8; i++) {
      newVendor(targets.get(t++ % targets.size()));
    }
    for (int i = 0; i < 6; i++) {
      unsanctioned(targets.get(t++ % targets.size()));
    }
    for (int i = 0; i < 4; i++) {
      largeDownload(targets.get(t++ % targets.size()));
      nonAiUpload(targets.get(t++ % targets.size()));
    }
    arrivals.sort(Comparator.comparingLong(Arrival::at));
    arrivals.forEach(a -> records.add(a.record));
    arrivals.clear();
    return this;
  }

  private Host drawHost(int index) {
    double p = random.nextDouble();
    Profile profile = p < 0.12 ? Profile.HEAVY : p < 0.22 ? Profile.ALWAYS_ON : Profile.OFFICE;
    double level = profile == Profile.HEAVY ? logUniform(4 * MB, 40 * MB) : logUniform(15 * KB, 8 * MB);
    double spread = profile == Profile.HEAVY ? 0.25 + 0.2 * random.nextDouble()
        : 0.4 + (MAX_SPREAD - 0.4) * random.nextDouble();
    List<Vendor> vendors = new ArrayList<>(USUAL);
    Collections.shuffle(vendors, random);
    return new Host(String.format("host-%02d", index), index, level, spread, random.nextInt(4) - 1, profile,
        List.copyOf(vendors.subList(0, 1 + random.nextInt(3))));
  }

  /** The host's usual traffic: sessions in its working hours, its level growing or stepping up. */
  private void normalTraffic(Host host, boolean grows, Long step) {
    long t0 = START.toEpochMilli();
    boolean active = false;
    for (long m = 0; m < days * 1440L; m++) {
      long minute = t0 + m * MINUTE;
      double p = activity(host, minute);
      // A two-state chain with p as its share of active minutes: sessions of ~5 minutes or more.
      double stay = p > 0.1 ? 0.85 : 0.5;
      active = random.nextDouble() < (active ? stay : p * (1 - stay) / (1 - p));
      if (!active) {
        continue;
      }
      double level = host.level;
      if (grows) {
        level *= Math.pow(3, (double) (minute - t0) / (days * DAY));
      }
      if (step != null && minute >= step) {
        level *= 8;
      }
      Vendor vendor = random.nextDouble() < 0.7 ? host.vendors.get(0)
          : host.vendors.get(random.nextInt(host.vendors.size()));
      long up = (long) (level * Math.exp(host.spread * random.nextGaussian()));
      long down = (long) (up * Math.exp(-0.7 + 0.6 * random.nextGaussian()));
      long last = minute + 1_000 + random.nextInt(58_000);
      // A fifth of the traffic comes as long connections: one record spanning up to four minutes.
      long span = random.nextDouble() < 0.2 ? MINUTE + random.nextInt(3 * (int) MINUTE) : 1_000 + random.nextInt(20_000);
      double minutes = Math.max(1, span / (double) MINUTE);
      add(host, vendor, last - span, last, (long) (up * minutes), (long) (down * minutes));
    }
  }

  /** Share of the host's minutes with AI traffic at that time. */
  private double activity(Host host, long at) {
    int hour = (int) Math.floorMod((at / HOUR) + host.utcOffset, 24L);
    boolean weekend = weekday(at) >= 5;
    switch (host.profile) {
      case ALWAYS_ON:
        return 0.3;
      case HEAVY:
        return weekend ? 0.02 : hour >= 9 && hour < 18 ? 0.95 : hour >= 18 && hour < 21 ? 0.2 : 0.01;
      default:
        if (weekend) {
          return 0.01;
        }
        return hour == 12 ? 0.25 : hour >= 9 && hour < 18 ? 0.55 : hour >= 18 && hour < 21 ? 0.06 : 0.005;
    }
  }

  private static int weekday(long at) {
    return (int) ((START_WEEKDAY + (at - START.toEpochMilli()) / DAY) % 7);
  }

  /** An hour a week (Wednesdays, the first and the last day) to a vendor it uses for nothing else. */
  private void weeklyVendor(Host host) {
    for (int day = 0; day < days; day += 7) {
      long at = dayAt(day) + (14 - host.utcOffset) * HOUR;
      for (int m = 0; m < 60; m += 1 + random.nextInt(3)) {
        upload(host, WEEKLY, at + m * MINUTE, host.level * Math.exp(host.spread * random.nextGaussian()));
      }
    }
    if (days > 7) {
      incidents.add(new Incident(seed, Kind.DECOY, host.name, WEEKLY.name(), dayAt(7), dayAt(8), 0, "weekly vendor"));
    }
  }

  /** The same job every night at the same minute: 5–15 minutes at 20–200× the host's usual minute. */
  private void nightlyJob(Host host) {
    long offset = (1 + random.nextInt(3)) * HOUR + random.nextInt(50) * MINUTE;
    int minutes = 5 + random.nextInt(11);
    double rate = Math.max(2 * MB, host.level * logUniform(20, 200));
    Vendor vendor = host.vendors.get(0);
    for (int day = 0; day < days; day++) {
      for (int m = 0; m < minutes; m++) {
        upload(host, vendor, dayAt(day) + offset + m * MINUTE, rate * (0.9 + 0.2 * random.nextDouble()));
      }
      if (day >= WARMUP_DAYS) {
        incidents.add(new Incident(seed, Kind.DECOY, host.name, vendor.name(), dayAt(day) + offset,
            dayAt(day) + offset + minutes * MINUTE, (long) rate, "nightly job"));
      }
    }
  }

  private void burst(Host host) {
    long at = incidentStart();
    int minutes = 1 + random.nextInt(5);
    // Relative to the host's own tail: 5–50× its 99.9th percentile minute (a smaller "burst" is a
    // minute the host has every few days), and at least 40× its usual minute and 3 MB.
    double tail = Math.exp(3.09 * host.spread);
    double rate = Math.max(3 * MB, host.level * Math.max(40, tail * logUniform(5, 50)));
    Vendor vendor = host.vendors.get(0);
    long first = Long.MAX_VALUE;
    for (int m = 0; m < minutes; m++) {
      first = Math.min(first, upload(host, vendor, at + m * MINUTE, rate * (0.8 + 0.4 * random.nextDouble())));
    }
    // Time to alert counts from the burst's first byte.
    incidents.add(new Incident(seed, Kind.BURST, host.name, vendor.name(), first, at + minutes * MINUTE, (long) (rate * 1.2),
        String.format("%d-minute burst at %.0f× its usual minute", minutes, rate / host.level)));
  }

  /** A slow upload on one long connection, reported every minute (the sensor's active timeout). */
  private void slowUpload(Host host) {
    long at = incidentStart();
    int minutes = 30 + random.nextInt(91);
    double rate = Math.max(1.5 * MB, host.level * logUniform(15, 50));
    Vendor vendor = host.vendors.get(host.vendors.size() - 1);
    long offset = random.nextInt(60_000);
    for (int m = 0; m < minutes; m++) {
      long last = at + offset + (m + 1) * MINUTE;
      add(host, vendor, last - MINUTE, last, (long) (rate * (0.9 + 0.2 * random.nextDouble())), 20 * KB);
    }
    incidents.add(new Incident(seed, Kind.SLOW, host.name, vendor.name(), at, at + (minutes + 1) * MINUTE, (long) rate,
        String.format("%d-minute upload at %.0f× its usual minute", minutes, rate / host.level)));
  }

  /** Ordinary-sized requests for 5–30 minutes to a vendor the host has never used. */
  private void newVendor(Host host) {
    long at = incidentStart();
    List<Vendor> unused = RARE.stream().filter(v -> !contacted.contains(host.name + "/" + v.name())).toList();
    Vendor vendor = unused.get(random.nextInt(unused.size()));
    contacted.add(host.name + "/" + vendor.name());
    int minutes = 5 + random.nextInt(26);
    for (int m = 0; m < minutes; m += 1 + random.nextInt(3)) {
      upload(host, vendor, at + m * MINUTE, host.level * Math.exp(host.spread * random.nextGaussian()));
    }
    incidents.add(new Incident(seed, Kind.NEW_VENDOR, host.name, vendor.name(), at, at + minutes * MINUTE, 0,
        "first contact with " + vendor.name()));
  }

  private void unsanctioned(Host host) {
    long at = incidentStart();
    int minutes = 1 + random.nextInt(10);
    for (int m = 0; m < minutes; m++) {
      upload(host, UNSANCTIONED, at + m * MINUTE, host.level * Math.exp(host.spread * random.nextGaussian()));
    }
    incidents.add(new Incident(seed, Kind.UNSANCTIONED, host.name, UNSANCTIONED.name(), at, at + minutes * MINUTE, 0,
        "uploads to an unsanctioned vendor"));
  }

  /** 300–800 MB down from a usual vendor over 5–10 minutes, with ordinary uploads. */
  private void largeDownload(Host host) {
    long at = incidentStart();
    int minutes = 5 + random.nextInt(6);
    Vendor vendor = host.vendors.get(0);
    long total = (long) logUniform(300 * MB, 800 * MB);
    for (int m = 0; m < minutes; m++) {
      long last = at + m * MINUTE + 30_000;
      add(host, vendor, last - 20_000, last, (long) host.level, total / minutes);
    }
    incidents.add(new Incident(seed, Kind.DECOY, host.name, vendor.name(), at, at + minutes * MINUTE, 0, "large download"));
  }

  /** 100–500 MB up to a host that is no AI vendor: it must not reach the detectors at all. */
  private void nonAiUpload(Host host) {
    long at = incidentStart();
    for (int m = 0; m < 5; m++) {
      long last = at + m * MINUTE + 30_000;
      add(host, null, last - 20_000, last, (long) logUniform(20 * MB, 100 * MB), 50 * KB);
    }
    incidents.add(new Incident(seed, Kind.DECOY, host.name, "", at, at + 5 * MINUTE, 0, "upload to a non-AI host"));
  }

  /** A short upload in the minute from {@code minute}, little coming back; returns its first_seen. */
  private long upload(Host host, Vendor vendor, long minute, double bytes) {
    long last = minute + 5_000 + random.nextInt(50_000);
    long first = last - 1_000 - random.nextInt(4_000);
    add(host, vendor, first, last, (long) bytes, (long) (bytes * Math.exp(-3 + 0.5 * random.nextGaussian())));
    return first;
  }

  /** Any time in the scored days, at night as often as in working hours. */
  private long incidentStart() {
    int day = WARMUP_DAYS + random.nextInt(days - WARMUP_DAYS);
    return dayAt(day) + (long) (random.nextDouble() * (DAY - 3 * HOUR));
  }

  private long randomHourOfDay() {
    return (8 + random.nextInt(8)) * HOUR + random.nextInt(60) * MINUTE;
  }

  private long dayAt(int day) {
    return START.toEpochMilli() + day * DAY;
  }

  /** Hosts with AI traffic (a record ending) in the minute of {@code at}. */
  long activeHosts(long at) {
    if (activeHosts == null) {
      Map<Long, java.util.Set<String>> hostsByMinute = new java.util.HashMap<>();
      for (FlowRecord r : records) {
        if (r.getVendor() != null) {
          hostsByMinute.computeIfAbsent(r.getLastSeen().toEpochMilli() / MINUTE, k -> new java.util.HashSet<>())
              .add(r.getHost());
        }
      }
      Map<Long, Integer> counts = new java.util.HashMap<>();
      hostsByMinute.forEach((minute, names) -> counts.put(minute, names.size()));
      activeHosts = counts;
    }
    return activeHosts.getOrDefault(at / MINUTE, 0);
  }

  private Map<Long, Integer> activeHosts;

  long end() {
    return dayAt(days);
  }

  private double logUniform(double low, double high) {
    return Math.exp(Math.log(low) + random.nextDouble() * Math.log(high / low));
  }

  /**
   * One record as the sensor exports it, queued by its arrival: a few seconds after last_seen,
   * 2 % up to 25 s later (out of order within the job's 30 s), 0.3 % one to four minutes late.
   */
  private void add(Host host, Vendor vendor, long first, long last, long up, long down) {
    double lateness = random.nextDouble();
    long delay = lateness < 0.003 ? MINUTE + random.nextInt(3 * (int) MINUTE)
        : lateness < 0.023 ? 5_000 + random.nextInt(20_000) : random.nextInt(5_000);
    FlowRecord.Builder record = FlowRecord.newBuilder()
        .setSensorId("fleet-" + seed).setSequence(arrivals.size()).setHost(host.name)
        .setSrcIp("10.1." + (host.index / 250) + "." + (host.index % 250 + 1))
        .setSrcPort(40_000 + random.nextInt(20_000))
        .setDstIp(vendor == null ? "93.184.216." + (1 + random.nextInt(250)) : vendor.address()).setDstPort(443)
        .setTransport(Transport.TCP)
        .setFirstSeen(Instant.ofEpochMilli(first)).setLastSeen(Instant.ofEpochMilli(last))
        .setPacketsUp(up / 1200 + 1).setPacketsDown(down / 1200 + 1).setBytesUp(up).setBytesDown(down)
        .setEndReason(EndReason.FIN).setIdentifiedBy(Evidence.NONE);
    if (vendor != null) {
      record.setSni("api." + vendor.name() + ".example").setVendor(vendor.name()).setService(vendor.service())
          .setCategory("llm-api").setIdentifiedBy(Evidence.SNI);
    }
    arrivals.add(new Arrival(last + delay, record.build()));
  }
}
