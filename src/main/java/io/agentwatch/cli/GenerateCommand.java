package io.agentwatch.cli;

import io.agentwatch.capture.synth.SyntheticPacket;
import io.agentwatch.capture.synth.SyntheticPcapWriter;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Writes a large synthetic capture of TLS sessions for benchmarks: each session has a handshake, a
 * ClientHello with an SNI (half of them post-quantum, so split over two segments), request uploads
 * and MSS-sized response downloads, and a FIN or RST; sessions overlap in time. Memory stays small:
 * only the sessions in progress are held, merged in time order as they are written.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Write a synthetic pcap of many overlapping TLS sessions (for benchmarks).",
        "",
        "About 30 packets per flow with realistic sizes: --flows 40000 gives about 1.2 M packets, 0.9 GB."})
final class GenerateCommand implements Callable<Integer> {

  private static final List<String> SERVER_NAMES = List.of(
      "api.anthropic.com", "claude.ai", "api.openai.com", "chatgpt.com", "api.githubcopilot.com",
      "generativelanguage.googleapis.com", "api.mistral.ai", "api.deepseek.com", "openrouter.ai",
      "www.example.org", "cdn.example.net", "updates.example.com");

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "pcap file to write.")
  Path out;

  @Option(names = "--flows", paramLabel = "N", defaultValue = "40000", description = "TLS sessions (default: ${DEFAULT-VALUE}).")
  int flows;

  @Option(names = "--span", paramLabel = "SECONDS", defaultValue = "120",
      description = "Sessions start spread over this many seconds of capture time (default: ${DEFAULT-VALUE}).")
  int spanSeconds;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Spec
  CommandSpec spec;

  /** A session being written: its packets and the next one due. */
  private record Cursor(TcpSession session, int next) {
    SyntheticPacket packet() {
      return session.packets().get(next);
    }
  }

  @Override
  public Integer call() throws IOException {
    if (flows < 1 || flows > 10_000_000) {
      throw new IllegalArgumentException("--flows must be 1..10000000, was " + flows);
    }
    if (spanSeconds < 1) {
      throw new IllegalArgumentException("--span must be at least 1, was " + spanSeconds);
    }
    Random random = new Random(seed);
    Instant origin = Instant.parse("2025-06-02T09:00:00Z");
    long[] startMicros = new long[flows];
    for (int i = 0; i < flows; i++) {
      startMicros[i] = (long) (random.nextDouble() * spanSeconds * 1_000_000L);
    }
    Arrays.sort(startMicros);
    PriorityQueue<Cursor> inProgress = new PriorityQueue<>((a, b) -> a.packet().time().compareTo(b.packet().time()));
    int started = 0;
    long packets = 0;
    try (SyntheticPcapWriter writer = SyntheticPcapWriter.create(out)) {
      while (started < flows || !inProgress.isEmpty()) {
        Instant nextStart = started < flows ? origin.plusNanos(startMicros[started] * 1000) : null;
        if (nextStart != null && (inProgress.isEmpty() || !inProgress.peek().packet().time().isBefore(nextStart))) {
          inProgress.add(new Cursor(session(random, started, nextStart), 0));
          started++;
          continue;
        }
        Cursor cursor = inProgress.poll();
        writer.write(cursor.packet());
        packets++;
        if (cursor.next() + 1 < cursor.session().packets().size()) {
          inProgress.add(new Cursor(cursor.session(), cursor.next() + 1));
        }
      }
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println(out.getFileName() + ": " + flows + " TLS flows, " + packets + " packets");
    return 0;
  }

  private static TcpSession session(Random random, int index, Instant start) {
    int host = index % 4000;
    String client = "10." + (host / 250) + "." + (host % 250) + "." + (1 + random.nextInt(200));
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
    return TcpSessionBuilder.between(client, clientPort, server, 443)
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
