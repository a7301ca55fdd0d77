package io.agentwatch.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.cli.AgentWatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `agentwatch up` as a user runs it: a process of its own capturing live on the loopback
 * interface, real curl clients uploading over TLS to AI vendor names served by openssl on
 * 127.0.0.2, and `agentwatch query` asking the running stack. Its per-host × vendor totals must
 * equal what tshark counts in a parallel capture, across a SIGTERM and a second `up` on the same
 * data directory, stopped while a window is open: no window lost, none counted twice. The
 * windows (10 s here) close on the quiet network without a later record (job.idleness=5s). Needs root (or CAP_NET_RAW) and
 * curl, openssl, tshark (dumpcap).
 */
class UpServiceTest {

  private static final String SERVER = "127.0.0.2";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The names curl asks for, and the vendors the built-in catalog gives them. */
  private static final Map<String, String> NAMES = Map.of("api.anthropic.com", "anthropic", "api.openai.com", "openai");

  @TempDir Path dir;

  private final List<Process> processes = new ArrayList<>();

  @Test
  void totalsEqualTsharksAcrossARestartAndQuietMinutesClose() throws Exception {
    int tlsPort = LocalPorts.free();
    Path dataDir = dir.resolve("data");
    try {
      startTlsServer(tlsPort);
      Map<String, long[]> truth = new TreeMap<>();

      Process up = startUp(dataDir, tlsPort, "first");
      Process dumpcap = start("dumpcap-1", "dumpcap", "-q", "-i", "lo", "-f", "tcp port " + tlsPort, "-w", dir.resolve("run1.pcap").toString());
      Thread.sleep(1_500); // dumpcap's capture open
      upload("api.anthropic.com", tlsPort, 300_000);
      upload("api.openai.com", tlsPort, 120_000);
      upload("api.anthropic.com", tlsPort, 50_000);
      stop(dumpcap);
      add(truth, tsharkTotals(dir.resolve("run1.pcap"), tlsPort));
      assertTotalsReach(dataDir, truth, 150, "while the first run goes on");

      // One more upload, and the stop while its window is still open: the window must carry over.
      dumpcap = start("dumpcap-1b", "dumpcap", "-q", "-i", "lo", "-f", "tcp port " + tlsPort, "-w", dir.resolve("run1b.pcap").toString());
      Thread.sleep(1_500);
      upload("api.openai.com", tlsPort, 40_000);
      stop(dumpcap);
      add(truth, tsharkTotals(dir.resolve("run1b.pcap"), tlsPort));
      up.destroy(); // SIGTERM
      assertTrue(up.waitFor(30, TimeUnit.SECONDS), "up did not stop within 30 s of SIGTERM:\n" + log("first"));
      assertEquals(0, up.exitValue(), log("first"));
      assertTrue(log("first").contains("AgentWatch stopped"), log("first"));

      up = startUp(dataDir, tlsPort, "second");
      assertTrue(log("second").contains("restoring"), "the job goes on from the saved state:\n" + log("second"));
      dumpcap = start("dumpcap-2", "dumpcap", "-q", "-i", "lo", "-f", "tcp port " + tlsPort, "-w", dir.resolve("run2.pcap").toString());
      Thread.sleep(1_500);
      upload("api.openai.com", tlsPort, 80_000);
      upload("api.anthropic.com", tlsPort, 20_000);
      stop(dumpcap);
      add(truth, tsharkTotals(dir.resolve("run2.pcap"), tlsPort));
      assertTotalsReach(dataDir, truth, 150, "after the second run: the sum of both runs");
      JsonNode records = JSON.readTree(query(dataDir, "stored_records")).get(0);
      assertEquals("up-test/live", records.path("sensor_id").asText());
      assertEquals(records.path("last_sequence").asLong(), records.path("rows").asLong(),
          "records 1..N of both runs, each stored once (none re-read after the restart): " + records);
      assertEquals(records.path("rows").asLong(), records.path("sequences").asLong(), records.toString());

      up.destroy();
      assertTrue(up.waitFor(30, TimeUnit.SECONDS), log("second"));
    } finally {
      processes.forEach(Process::destroyForcibly);
    }
  }

  private Process startUp(Path dataDir, int tlsPort, String name) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("--add-opens")).forEach(command::add);
    command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.agentwatch.cli.AgentWatch", "up",
        "--interface", "lo", "--filter", "tcp port " + tlsPort, "--data-dir", dataDir.toString(),
        "--http", "127.0.0.1:" + LocalPorts.free(), "--set", "kafka.port=" + LocalPorts.free(), "--set", "store.http-listen=127.0.0.1:0",
        "--set", "job.window=10s", "--set", "job.idleness=5s", "--set", "job.checkpoint-interval=1s", "--sensor-id", "up-test"));
    Process up = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    processes.add(up);
    for (int i = 0; i < 1200 && !log(name).contains("AgentWatch is up"); i++) {
      assertTrue(up.isAlive(), "up ended at start:\n" + log(name));
      Thread.sleep(100);
    }
    assertTrue(log(name).contains("AgentWatch is up"), "up did not start in 120 s:\n" + log(name));
    Thread.sleep(1_000); // the capture thread reads its first packet
    return up;
  }

  /**
   * Asks `agentwatch query host_totals --format json` until it answers {@code expected}; fails with
   * the last answer when {@code seconds} pass (the minutes close idleness + one minute after the traffic).
   */
  private static void assertTotalsReach(Path dataDir, Map<String, long[]> expected, int seconds, String when) throws Exception {
    String seen = "";
    for (int i = 0; i < seconds && !seen.equals(asText(expected)); i++) {
      Thread.sleep(1_000);
      seen = asText(queryTotals(dataDir));
    }
    assertEquals(asText(expected), seen, when + ": per host and vendor, bytes up, bytes down, packets, flows");
  }

  /** `agentwatch query NAME --format json` in this JVM: the running stack's API answers. */
  private static String query(Path dataDir, String name) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = AgentWatch.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("query", name, "--format", "json", "--data-dir", dataDir.toString());
    assertEquals(0, code, err.toString());
    return out.toString();
  }

  private static Map<String, long[]> queryTotals(Path dataDir) throws Exception {
    Map<String, long[]> totals = new TreeMap<>();
    for (JsonNode row : JSON.readTree(query(dataDir, "host_totals"))) {
      totals.put(row.path("host").asText() + " " + row.path("vendor").asText(), new long[] {
          row.path("bytes_up").asLong(), row.path("bytes_down").asLong(), row.path("packets").asLong(), row.path("flows").asLong()});
    }
    return totals;
  }

  /** Per "host vendor": L3 bytes up and down, packets, connections, from tshark's reading of a capture. */
  private static Map<String, long[]> tsharkTotals(Path capture, int tlsPort) throws Exception {
    Process tshark = new ProcessBuilder("tshark", "-n", "-r", capture.toString(), "-T", "fields",
        "-e", "tcp.stream", "-e", "tcp.dstport", "-e", "ip.len", "-e", "tls.handshake.extensions_server_name", "-e", "ip.src")
        .start();
    String text = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(tshark.waitFor(60, TimeUnit.SECONDS));
    Map<String, String> nameOfStream = new TreeMap<>();
    Map<String, String> clientOfStream = new TreeMap<>();
    Map<String, long[]> perStream = new TreeMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length < 5 || f[0].isEmpty()) {
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
    }
    Map<String, long[]> totals = new TreeMap<>();
    perStream.forEach((stream, sums) -> {
      String key = clientOfStream.get(stream) + " " + NAMES.get(nameOfStream.get(stream));
      long[] total = totals.computeIfAbsent(key, k -> new long[4]);
      for (int i = 0; i < 3; i++) {
        total[i] += sums[i];
      }
      total[3]++;
    });
    return totals;
  }

  private static void add(Map<String, long[]> into, Map<String, long[]> more) {
    more.forEach((key, values) -> {
      long[] total = into.computeIfAbsent(key, k -> new long[4]);
      for (int i = 0; i < 4; i++) {
        total[i] += values[i];
      }
    });
  }

  private static String asText(Map<String, long[]> totals) {
    StringBuilder text = new StringBuilder();
    totals.forEach((key, values) -> text.append(key).append(": ").append(java.util.Arrays.toString(values)).append('\n'));
    return text.toString();
  }

  private void upload(String name, int port, int bytes) throws Exception {
    Path body = dir.resolve("body-" + bytes);
    Files.write(body, new byte[bytes]);
    Process curl = start("curl", "curl", "-sk", "-o", "/dev/null", "--max-time", "20", "--data-binary", "@" + body,
        "--resolve", name + ":" + port + ":" + SERVER, "https://" + name + ":" + port + "/v1/upload");
    assertTrue(curl.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
    Thread.sleep(2_500); // the sensor's FIN grace: the flow's record is out
  }

  private void startTlsServer(int port) throws Exception {
    Process req = start("openssl-req", "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "1", "-subj", "/CN=agentwatch-test", "-keyout", dir.resolve("key.pem").toString(),
        "-out", dir.resolve("cert.pem").toString());
    assertTrue(req.waitFor(30, TimeUnit.SECONDS));
    start("openssl-server", "openssl", "s_server", "-accept", SERVER + ":" + port, "-cert", dir.resolve("cert.pem").toString(),
        "-key", dir.resolve("key.pem").toString(), "-www", "-quiet");
    for (int i = 0; i < 100; i++) {
      try (Socket ignored = new Socket(SERVER, port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("openssl s_server did not listen on " + SERVER + ":" + port);
  }

  private void stop(Process dumpcap) throws Exception {
    Thread.sleep(500);
    dumpcap.destroy();
    assertTrue(dumpcap.waitFor(10, TimeUnit.SECONDS));
  }

  private Process start(String name, String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    processes.add(process);
    return process;
  }

  private String log(String name) throws IOException {
    Path file = dir.resolve(name + ".log");
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
