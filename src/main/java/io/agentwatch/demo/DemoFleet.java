package io.agentwatch.demo;

import io.agentwatch.capture.synth.SessionTruth;
import io.agentwatch.capture.synth.SyntheticPcapWriter;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A small fleet's traffic with known truth: a few developer hosts talking TLS to several AI
 * vendors and to ordinary web sites over a few minutes. The capture it writes is what a sensor on
 * that network would have seen; {@link #expectedWindows()} is what AgentWatch must report for it,
 * computed from what was written, not from anything AgentWatch computes.
 */
public final class DemoFleet {

  /** An endpoint the fleet talks to; {@code vendor} is null for ordinary (non-AI) sites. */
  public record Endpoint(String serverName, String address, String vendor) {}

  /** One TLS session of one host, and the vendor it must be attributed to (null: none). */
  public record Session(String host, String vendor, TcpSession tcp) {
    public SessionTruth truth() {
      return tcp.truth();
    }
  }

  /** Per host × vendor × minute: what the aggregation must find. */
  public record WindowKey(String host, String vendor, Instant windowStart) implements Comparable<WindowKey> {
    @Override
    public int compareTo(WindowKey o) {
      int c = host.compareTo(o.host);
      c = c != 0 ? c : vendor.compareTo(o.vendor);
      return c != 0 ? c : windowStart.compareTo(o.windowStart);
    }
  }

  /** Sums of one window. */
  public record Totals(long bytesUp, long bytesDown, long packetsUp, long packetsDown, long flows) {
    static final Totals NONE = new Totals(0, 0, 0, 0, 0);

    Totals plus(SessionTruth t) {
      return new Totals(bytesUp + t.bytesUp(), bytesDown + t.bytesDown(),
          packetsUp + t.packetsUp(), packetsDown + t.packetsDown(), flows + 1);
    }
  }

  public static final List<Endpoint> ENDPOINTS = List.of(
      new Endpoint("api.anthropic.com", "160.79.104.10", "anthropic"),
      new Endpoint("api.openai.com", "162.159.140.245", "openai"),
      new Endpoint("api.githubcopilot.com", "140.82.112.22", "github-copilot"),
      new Endpoint("api.mistral.ai", "51.159.211.80", "mistral"),
      new Endpoint("dashscope-intl.aliyuncs.com", "47.74.166.70", "alibaba-qwen"),
      new Endpoint("www.debian.org", "130.89.148.77", null),
      new Endpoint("repo.maven.apache.org", "151.101.0.215", null));

  private final List<Session> sessions;

  private DemoFleet(List<Session> sessions) {
    this.sessions = List.copyOf(sessions);
  }

  /**
   * @param hosts number of hosts (10.20.0.11, .12, ...)
   * @param minutes the traffic spans this many minutes from {@code start}
   * @param sessionsPerHost TLS sessions per host
   * @param seed makes the fleet reproducible
   */
  public static DemoFleet generate(Instant start, int hosts, int minutes, int sessionsPerHost, long seed) {
    if (hosts < 1 || hosts > 200 || minutes < 1 || sessionsPerHost < 1) {
      throw new IllegalArgumentException("demo fleet: hosts 1..200, minutes and sessions per host at least 1");
    }
    Random random = new Random(seed);
    List<Session> sessions = new ArrayList<>();
    for (int h = 0; h < hosts; h++) {
      String host = "10.20.0." + (11 + h);
      for (int s = 0; s < sessionsPerHost; s++) {
        // Every host touches a vendor and a non-vendor site; the rest is random.
        Endpoint endpoint = s == 0 ? ENDPOINTS.get(h % 5) : s == 1 ? ENDPOINTS.get(5 + h % 2)
            : ENDPOINTS.get(random.nextInt(ENDPOINTS.size()));
        // Sessions start anywhere in the span but end at least 10 s before its end, so no
        // session crosses the span's last minute.
        long offsetMillis = random.nextInt(Math.max(1, minutes * 60_000 - 10_000));
        TcpSession tcp = TcpSessionBuilder.between(host, 40_000 + h * 100 + s, endpoint.address(), 443)
            .startingAt(start.plusMillis(offsetMillis))
            .packetInterval(Duration.ofMillis(1 + random.nextInt(20)))
            .serverName(endpoint.serverName())
            .upload(sizes(random, 1 + random.nextInt(12), 1400))
            .download(sizes(random, 1 + random.nextInt(30), 1400))
            .seed(random.nextLong())
            .build();
        sessions.add(new Session(host, endpoint.vendor(), tcp));
      }
    }
    return new DemoFleet(sessions);
  }

  /**
   * The fleet `agentwatch replay --demo` replays, honest about warm-up: 12 hosts, each talking to its
   * usual AI vendor a little every minute for {@link #HISTORY_MINUTES} minutes (the per-host
   * baselines need 60 active minutes before they may alert; the fleet detector needs 10 active
   * hosts in a minute), then two incidents:
   * <ul>
   *   <li>10.20.0.14 uploads about 110 MB to DeepSeek's API within one minute, with little coming
   *       back: upload-spike, upload-heavy, fleet-outlier, and the first contact with DeepSeek
   *       (a policy alert too when DeepSeek is tagged unsanctioned, as the demo does);</li>
   *   <li>10.20.0.15 uploads about 3 MB a minute to OpenAI for 12 minutes, against its usual few
   *       kB: sustained-upload (and, in its first minute, an upload spike).</li>
   * </ul>
   */
  public static DemoFleet standard() {
    Instant start = Instant.parse("2026-11-02T08:00:00Z");
    Random random = new Random(20261102L);
    List<Session> sessions = new ArrayList<>();
    for (int h = 0; h < SHOWCASE_HOSTS; h++) {
      String host = "10.20.0." + (11 + h);
      Endpoint usual = ENDPOINTS.get(h % 3);
      for (int m = 0; m < HISTORY_MINUTES + 15; m++) {
        TcpSession tcp = TcpSessionBuilder.between(host, 20_000 + h * 1000 + m, usual.address(), 443)
            .startingAt(start.plusSeconds(m * 60L + 5 + random.nextInt(40)))
            .packetInterval(Duration.ofMillis(1 + random.nextInt(20)))
            .serverName(usual.serverName())
            .upload(sizes(random, 2 + random.nextInt(6), 1400))
            .download(sizes(random, 4 + random.nextInt(20), 1400))
            .seed(random.nextLong())
            .build();
        sessions.add(new Session(host, usual.vendor(), tcp));
      }
    }
    Instant incident = start.plusSeconds(HISTORY_MINUTES * 60L);
    sessions.add(new Session("10.20.0.14", "deepseek", deepSeekBurst(incident.plusSeconds(5))));
    int[] threeMegabytes = new int[2_200];
    java.util.Arrays.fill(threeMegabytes, 1400);
    for (int m = 0; m < 12; m++) {
      TcpSession slow = TcpSessionBuilder.between("10.20.0.15", 46_000 + m, "162.159.140.245", 443)
          .startingAt(incident.plusSeconds(m * 60L + 2))
          .packetInterval(Duration.ofMillis(20))
          .serverName("api.openai.com")
          .upload(threeMegabytes)
          .download(1200, 900)
          .build();
      sessions.add(new Session("10.20.0.15", "openai", slow));
    }
    return new DemoFleet(sessions);
  }

  /** Minutes of ordinary traffic before the standard fleet's incidents. */
  public static final int HISTORY_MINUTES = 75;
  private static final int SHOWCASE_HOSTS = 12;

  private static TcpSession deepSeekBurst(Instant at) {
    int[] segments = new int[80_000];
    java.util.Arrays.fill(segments, 1400);
    return TcpSessionBuilder.between("10.20.0.14", 45_000, "45.113.1.8", 443)
        .startingAt(at)
        .packetInterval(Duration.ofNanos(400_000))
        .serverName("api.deepseek.com")
        .upload(segments)
        .download(1200, 900)
        .build();
  }

  /**
   * Three minutes of the standard fleet's traffic from {@code start}, upload incident included:
   * `agentwatch up --demo` replays one after another, each starting when the previous ends.
   */
  public static DemoFleet withIncident(Instant start, long seed) {
    DemoFleet fleet = generate(start, 6, 3, 8, seed);
    List<Session> sessions = new ArrayList<>(fleet.sessions);
    sessions.add(new Session("10.20.0.14", "deepseek", deepSeekBurst(start.plusSeconds(65))));
    return new DemoFleet(sessions);
  }

  private static int[] sizes(Random random, int count, int max) {
    int[] sizes = new int[count];
    for (int i = 0; i < count; i++) {
      sizes[i] = 40 + random.nextInt(max - 40);
    }
    return sizes;
  }

  public List<Session> sessions() {
    return sessions;
  }

  /** Writes the fleet's packets, in time order, as a classic pcap file. */
  public void writePcap(Path path) throws IOException {
    try (SyntheticPcapWriter writer = SyntheticPcapWriter.create(path)) {
      writer.writeInTimeOrder(sessions.stream().map(Session::tcp).toList());
    }
  }

  /**
   * The per host × vendor × minute sums the aggregation must report. A session counts in the
   * minute of its last packet (flow records' event time is their last_seen); sessions to
   * non-vendor sites count nowhere.
   */
  public Map<WindowKey, Totals> expectedWindows() {
    Map<WindowKey, Totals> windows = new TreeMap<>();
    for (Session s : sessions) {
      if (s.vendor() == null) {
        continue;
      }
      WindowKey key = new WindowKey(s.host(), s.vendor(), s.truth().lastSeen().truncatedTo(ChronoUnit.MINUTES));
      windows.compute(key, (k, sum) -> (sum == null ? Totals.NONE : sum).plus(s.truth()));
    }
    return windows;
  }
}
