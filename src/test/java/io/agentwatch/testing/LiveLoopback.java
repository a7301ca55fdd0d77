package io.agentwatch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.stack.LocalPorts;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Real TLS traffic to AI vendor names on the loopback interface, and what tshark counts of it: an
 * openssl s_server on 127.0.0.2 with a fresh certificate, curl uploads that reach it through
 * --resolve, dumpcap capturing its port in parallel to the sensor under test; and for the stack,
 * `agentwatch up --interface lo` and `agentwatch query host_totals` asking it. {@link #close} ends every process it started. Needs root
 * (or CAP_NET_RAW) and curl, openssl, tshark (dumpcap).
 *
 * <p>Totals are per "host vendor": {L3 bytes up, L3 bytes down, packets, connections}.
 */
public final class LiveLoopback implements AutoCloseable {

  public static final String SERVER = "127.0.0.2";
  /** The names curl asks for, and the vendors the built-in catalog gives them. */
  public static final Map<String, String> VENDORS = Map.of("api.anthropic.com", "anthropic", "api.openai.com", "openai");
  /** `up`'s sensor id: its live feed's records carry {@code up-test/live}. */
  public static final String SENSOR_ID = "up-test";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final int tlsPort = LocalPorts.free();
  private final List<Process> processes = new ArrayList<>();

  private LiveLoopback(Path dir) {
    this.dir = dir;
  }

  /** The TLS server listening, its processes' output and captures in {@code dir}. */
  public static LiveLoopback start(Path dir) throws Exception {
    LiveLoopback loopback = new LiveLoopback(dir);
    try {
      loopback.startTlsServer();
      return loopback;
    } catch (Throwable failed) {
      loopback.close();
      throw failed;
    }
  }

  /** The TLS server's port on {@link #SERVER}. */
  public int port() {
    return tlsPort;
  }

  /**
   * `agentwatch up --interface lo` capturing the TLS server's port only (nothing else on lo
   * reaches its sensor), on free ports, then {@code arguments} (settings); returned once its
   * capture reads.
   */
  public Process up(String name, Path dataDir, String... arguments) throws Exception {
    List<String> all = new ArrayList<>(List.of("--interface", "lo", "--filter", "tcp port " + tlsPort,
        "--data-dir", dataDir.toString(), "--http", "127.0.0.1:" + LocalPorts.free(), "--set", "kafka.port=" + LocalPorts.free(),
        "--set", "store.http-listen=127.0.0.1:0", "--sensor-id", SENSOR_ID));
    all.addAll(List.of(arguments));
    Process up = AgentWatchProcess.startUp(dir, name, 300, all.toArray(String[]::new));
    processes.add(up);
    Thread.sleep(1_000); // the capture thread reads its first packet
    return up;
  }

  /** What `up` wrote so far to its output. */
  public String log(String name) throws IOException {
    return AgentWatchProcess.output(dir, name);
  }

  /** dumpcap on lo, the TLS server's port only, into {@code dir/NAME.pcap}, until {@link Capture#stop}. */
  public Capture capture(String name) throws Exception {
    Path file = dir.resolve(name + ".pcap");
    Process dumpcap = start("dumpcap-" + name, "dumpcap", "-q", "-i", "lo", "-f", "tcp port " + tlsPort, "-w", file.toString());
    Thread.sleep(1_500); // dumpcap's capture open
    return new Capture(dumpcap, file);
  }

  /** A running dumpcap. */
  public final class Capture {
    private final Process dumpcap;
    private final Path file;

    private Capture(Process dumpcap, Path file) {
      this.dumpcap = dumpcap;
      this.file = file;
    }

    /** Stops dumpcap and counts what it captured with tshark. */
    public Counted stop() throws Exception {
      Thread.sleep(500);
      dumpcap.destroy();
      assertTrue(dumpcap.waitFor(10, TimeUnit.SECONDS), "dumpcap did not stop");
      return tshark(file);
    }
  }

  /** tshark's totals of a capture, and the time of its last packet. */
  public record Counted(Map<String, long[]> totals, Instant lastPacket) {}

  /** curl POSTs {@code bytes} over TLS to {@code name} (served here), and the sensor's FIN grace passes. */
  public void upload(String name, int bytes) throws Exception {
    Path body = dir.resolve("body-" + bytes);
    Files.write(body, new byte[bytes]);
    Process curl = start("curl", "curl", "-sk", "-o", "/dev/null", "--max-time", "20", "--data-binary", "@" + body,
        "--resolve", name + ":" + tlsPort + ":" + SERVER, "https://" + name + ":" + tlsPort + "/v1/upload");
    assertTrue(curl.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
    Thread.sleep(2_500); // the sensor's FIN grace: the flow's record is out
  }

  /**
   * Asks `agentwatch query host_totals --format json` about once a second until it answers
   * {@code expected}, and returns when it did; fails with the last answer once {@code deadline} passed.
   */
  public static Instant assertTotalsReach(Path dataDir, Map<String, long[]> expected, Instant deadline, String when)
      throws Exception {
    String seen;
    while (true) {
      seen = asText(queryTotals(dataDir));
      if (seen.equals(asText(expected))) {
        return Instant.now();
      }
      if (Instant.now().isAfter(deadline)) {
        break;
      }
      Thread.sleep(1_000);
    }
    assertEquals(asText(expected), seen, when + ", by " + deadline + ": per host and vendor, bytes up, bytes down, packets, flows");
    throw new AssertionError("unreachable");
  }

  public static Map<String, long[]> queryTotals(Path dataDir) throws Exception {
    Map<String, long[]> totals = new TreeMap<>();
    for (JsonNode row : JSON.readTree(AgentWatchProcess.query(dataDir, "host_totals"))) {
      totals.put(row.path("host").asText() + " " + row.path("vendor").asText(), new long[] {
          row.path("bytes_up").asLong(), row.path("bytes_down").asLong(), row.path("packets").asLong(), row.path("flows").asLong()});
    }
    return totals;
  }

  public static void add(Map<String, long[]> into, Map<String, long[]> more) {
    more.forEach((key, values) -> {
      long[] total = into.computeIfAbsent(key, k -> new long[4]);
      for (int i = 0; i < 4; i++) {
        total[i] += values[i];
      }
    });
  }

  public static String asText(Map<String, long[]> totals) {
    StringBuilder text = new StringBuilder();
    totals.forEach((key, values) -> text.append(key).append(": ").append(Arrays.toString(values)).append('\n'));
    return text.toString();
  }

  private Counted tshark(Path capture) throws Exception {
    Process tshark = new ProcessBuilder("tshark", "-n", "-r", capture.toString(), "-T", "fields",
        "-e", "tcp.stream", "-e", "tcp.dstport", "-e", "ip.len", "-e", "tls.handshake.extensions_server_name", "-e", "ip.src",
        "-e", "frame.time_epoch")
        .start();
    String text = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(tshark.waitFor(60, TimeUnit.SECONDS));
    Map<String, String> nameOfStream = new TreeMap<>();
    Map<String, String> clientOfStream = new TreeMap<>();
    Map<String, long[]> perStream = new TreeMap<>();
    Instant lastPacket = Instant.EPOCH;
    for (String line : text.split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length < 6 || f[0].isEmpty()) {
        continue;
      }
      boolean up = Integer.parseInt(f[1]) == tlsPort;
      long[] sums = perStream.computeIfAbsent(f[0], s -> new long[4]);
      sums[up ? 0 : 1] += Long.parseLong(f[2]);
      sums[2]++;
      if (!f[3].isEmpty()) {
        nameOfStream.put(f[0], f[3]);
      }
      if (up) {
        clientOfStream.put(f[0], f[4]);
      }
      BigDecimal nanos = new BigDecimal(f[5]).movePointRight(9);
      Instant at = Instant.ofEpochSecond(0, nanos.longValue());
      lastPacket = at.isAfter(lastPacket) ? at : lastPacket;
    }
    Map<String, long[]> totals = new TreeMap<>();
    perStream.forEach((stream, sums) -> {
      String key = clientOfStream.get(stream) + " " + VENDORS.get(nameOfStream.get(stream));
      long[] total = totals.computeIfAbsent(key, k -> new long[4]);
      for (int i = 0; i < 3; i++) {
        total[i] += sums[i];
      }
      total[3]++;
    });
    return new Counted(totals, lastPacket);
  }

  private void startTlsServer() throws Exception {
    Process req = start("openssl-req", "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "1", "-subj", "/CN=agentwatch-test", "-keyout", dir.resolve("key.pem").toString(),
        "-out", dir.resolve("cert.pem").toString());
    assertTrue(req.waitFor(30, TimeUnit.SECONDS));
    start("openssl-server", "openssl", "s_server", "-accept", SERVER + ":" + tlsPort, "-cert", dir.resolve("cert.pem").toString(),
        "-key", dir.resolve("key.pem").toString(), "-www", "-quiet");
    for (int i = 0; i < 100; i++) {
      try (Socket ignored = new Socket(SERVER, tlsPort)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("openssl s_server did not listen on " + SERVER + ":" + tlsPort);
  }

  private Process start(String name, String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    processes.add(process);
    return process;
  }

  /** Ends every process started here (up without its SIGTERM: a test that wants it stops it first). */
  @Override
  public void close() throws InterruptedException {
    for (Process process : processes) {
      process.destroyForcibly();
    }
    for (Process process : processes) {
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
