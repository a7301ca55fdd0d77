package io.agentwatch.capture.synth;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Many overlapping TLS sessions, in capture order: each has a handshake, a ClientHello with an SNI
 * (half of them post-quantum, so split over two segments), request uploads and MSS-sized response
 * downloads, and a FIN or RST. About 30 packets per session. Used for the benchmark capture
 * ({@code agentwatch generate}) and to warm up the packet path before a live capture
 * ({@link io.agentwatch.capture.SensorWarmUp}). Memory stays small: only the sessions in progress
 * are held, merged in time order as they are handed out.
 */
public final class SyntheticTraffic {

  /** Receives the packets in time order. */
  @FunctionalInterface
  public interface PacketConsumer<E extends Exception> {
    void accept(SyntheticPacket packet) throws E;
  }

  private static final List<String> SERVER_NAMES = List.of(
      "api.anthropic.com", "claude.ai", "api.openai.com", "chatgpt.com", "api.githubcopilot.com",
      "generativelanguage.googleapis.com", "api.mistral.ai", "api.deepseek.com", "openrouter.ai",
      "www.example.org", "cdn.example.net", "updates.example.com");

  /**
   * Shares of sessions that differ from the benchmark's shape: clients whose address sorts above the
   * server's (flow keys are ordered by address, so the initiator is the other side of the key), and
   * plain TCP sessions on port 80 without a ClientHello. {@link #BENCHMARK} has neither and draws no
   * extra random numbers, so a seed gives the same capture as before these existed.
   */
  public record Variety(double clientsAboveServers, double plainTcp) {
    public static final Variety BENCHMARK = new Variety(0, 0);
  }

  private SyntheticTraffic() {}

  /** A session being handed out: its packets and the next one due. */
  private record Cursor(TcpSession session, int next) {
    SyntheticPacket packet() {
      return session.packets().get(next);
    }
  }

  /**
   * Hands {@code flows} sessions, starting at random over {@code spanSeconds} from {@code origin},
   * to {@code out} packet by packet in time order; returns the number of packets.
   */
  public static <E extends Exception> long tlsSessions(long seed, int flows, int spanSeconds, Instant origin,
      PacketConsumer<E> out) throws E {
    return sessions(seed, flows, spanSeconds, origin, Variety.BENCHMARK, out);
  }

  /** Like {@link #tlsSessions}, with some sessions of other shapes mixed in. */
  public static <E extends Exception> long sessions(long seed, int flows, int spanSeconds, Instant origin, Variety variety,
      PacketConsumer<E> out) throws E {
    if (flows < 1 || flows > 10_000_000) {
      throw new IllegalArgumentException("flows must be 1..10000000, was " + flows);
    }
    if (spanSeconds < 1) {
      throw new IllegalArgumentException("span must be at least 1 second, was " + spanSeconds);
    }
    Random random = new Random(seed);
    long[] startMicros = new long[flows];
    for (int i = 0; i < flows; i++) {
      startMicros[i] = (long) (random.nextDouble() * spanSeconds * 1_000_000L);
    }
    Arrays.sort(startMicros);
    PriorityQueue<Cursor> inProgress = new PriorityQueue<>((a, b) -> a.packet().time().compareTo(b.packet().time()));
    int started = 0;
    long packets = 0;
    while (started < flows || !inProgress.isEmpty()) {
      Instant nextStart = started < flows ? origin.plusNanos(startMicros[started] * 1000) : null;
      if (nextStart != null && (inProgress.isEmpty() || !inProgress.peek().packet().time().isBefore(nextStart))) {
        inProgress.add(new Cursor(session(random, started, nextStart, variety), 0));
        started++;
        continue;
      }
      Cursor cursor = inProgress.poll();
      out.accept(cursor.packet());
      packets++;
      if (cursor.next() + 1 < cursor.session().packets().size()) {
        inProgress.add(new Cursor(cursor.session(), cursor.next() + 1));
      }
    }
    return packets;
  }

  private static TcpSession session(Random random, int index, Instant start, Variety variety) {
    int host = index % 4000;
    boolean clientAbove = variety.clientsAboveServers() > 0 && random.nextDouble() < variety.clientsAboveServers();
    boolean plain = variety.plainTcp() > 0 && random.nextDouble() < variety.plainTcp();
    String client = (clientAbove ? "203." : "10.") + (host / 250) + "." + (host % 250) + "." + (1 + random.nextInt(200));
    int clientPort = 20000 + index / 4000 * 7 % 40000 + random.nextInt(7);
    String serverName = SERVER_NAMES.get(random.nextInt(SERVER_NAMES.size()));
    String server = "198.18." + (serverName.hashCode() & 0x7f) + "." + (1 + random.nextInt(20));
    int requests = 1 + random.nextInt(4);
    int[] upload = new int[requests];
    for (int i = 0; i < requests; i++) {
      upload[i] = 100 + random.nextInt(1300);
    }
    int responseSegments = 4 + random.nextInt(36); // server hello + certificate + responses
    int[] download = new int[responseSegments];
    for (int i = 0; i < responseSegments; i++) {
      download[i] = i + 1 < responseSegments ? 1448 : 60 + random.nextInt(1388);
    }
    return TcpSessionBuilder.between(client, clientPort, server, plain ? 80 : 443)
        .clientHello(!plain)
        .startingAt(start)
        .packetInterval(Duration.ofNanos(1000L * (200 + random.nextInt(20_000))))
        .serverName(serverName)
        .postQuantum(random.nextBoolean())
        .upload(upload)
        .download(download)
        .teardown(random.nextInt(10) == 0 ? TcpSessionBuilder.Teardown.RST : TcpSessionBuilder.Teardown.FIN)
        .seed(random.nextLong())
        .build();
  }
}
