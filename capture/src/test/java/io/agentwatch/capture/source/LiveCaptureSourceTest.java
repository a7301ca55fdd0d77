package io.agentwatch.capture.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.testing.SensorRun;
import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.Transport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live capture on the loopback interface, with real traffic from Java's HTTP client to a local server. */
class LiveCaptureSourceTest {

  @TempDir Path dir;

  @Test
  void capturesARealHttpExchangeOnLoopbackAndAgreesWithTshark() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      byte[] reply = ("received " + body.length + " bytes\n").repeat(200).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, reply.length);
      exchange.getResponseBody().write(reply);
      exchange.close();
    });
    server.start();
    int port = server.getAddress().getPort();
    String filter = "tcp port " + port;
    Process tshark = startTshark(filter, dir.resolve("tshark.pcapng"));
    LiveCaptureSource source;
    try {
      source = LiveCaptureSource.open(LiveCaptureConfig.defaults(List.of("lo")).withFilter(filter));
    } catch (CaptureException e) {
      server.stop(0);
      stop(tshark);
      // The project's machines (developers' and CI) run as root: a capture that cannot open is a
      // failure to look at, not a reason to skip the one test of real live packets.
      throw new AssertionError("live capture on lo failed (run as root or grant CAP_NET_RAW): " + e.getMessage(), e);
    }
    InMemoryFlowSink sink = new InMemoryFlowSink();
    Sensor sensor = new Sensor(SensorConfig.defaults("live-test"), sink);
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread capture = runInBackground(sensor, source, outcome);
    try {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> response = client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(5000))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
      }
      // Close the connection while capturing, so tshark and the sensor see the same packets.
      server.stop(0);
      Thread.sleep(500);
    } finally {
      server.stop(0);
      source.stop();
      capture.join(10_000);
      source.close();
      stop(tshark);
    }
    assertTrue(outcome.get() instanceof SensorStats, "capture ended with " + outcome.get());
    SensorStats stats = (SensorStats) outcome.get();
    assertTrue(stats.capture().received() >= stats.packetsRead(), "libpcap counters: " + stats.capture());
    assertEquals(0, stats.capture().dropped());

    List<FlowRecord> records = sink.records().stream().filter(r -> r.getDstPort() == port).toList();
    assertEquals(1, records.size(), "one keep-alive connection: " + sink.records());
    FlowRecord flow = records.get(0);
    assertEquals(Transport.TCP, flow.getTransport());
    assertEquals("127.0.0.1", flow.getSrcIp());
    assertTrue(flow.getSrcPort() > 0 && flow.getSrcPort() != port);
    assertTrue(flow.getBytesUp() > 15_000, "three 5000-byte uploads: " + flow);
    assertTrue(flow.getBytesDown() > 3 * 200 * 18, "three replies: " + flow);
    assertTrue(flow.getPacketsUp() >= 4 && flow.getPacketsDown() >= 4, flow.toString());
    assertEquals(EndReason.FIN, flow.getEndReason(), "the closed connection is flushed when the capture stops");

    if (tshark != null) {
      SensorRun seenByTshark = SensorRun.of(dir.resolve("tshark.pcapng"));
      SensorRun.FlowTotals expected = seenByTshark.tcp("127.0.0.1", flow.getSrcPort(), "127.0.0.1", port);
      assertEquals(expected.counts(),
          flow.getPacketsUp() + "/" + flow.getBytesUp() + " <-> " + flow.getPacketsDown() + "/" + flow.getBytesDown(),
          "the same packets and L3 bytes as tshark saw");
    }
  }

  @Test
  void unknownInterfaceAndBadFilterAreNamed() {
    CaptureException noSuchInterface = assertThrows(CaptureException.class,
        () -> LiveCaptureSource.open(LiveCaptureConfig.defaults(List.of("no-such-if0"))));
    assertTrue(noSuchInterface.getMessage().startsWith("no-such-if0: cannot capture on this interface"), noSuchInterface.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LiveCaptureConfig.defaults(List.of()).validate());
  }

  @Test
  void badFilterIsNamed() throws Exception {
    try {
      LiveCaptureSource.openHeld(LiveCaptureConfig.defaults(List.of("lo")).withFilter("tcp port banana")).close();
      throw new AssertionError("a bad filter was accepted");
    } catch (CaptureException e) {
      assertTrue(e.getMessage().startsWith("lo: invalid BPF filter 'tcp port banana'"), e.getMessage());
    }
  }

  @Test
  void aHeldCaptureLetsNoFrameInUntilItRuns() throws Exception {
    try (DatagramSocket sender = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      int port = receiver.getLocalPort();
      LiveCaptureSource source = LiveCaptureSource.openHeld(
          LiveCaptureConfig.defaults(List.of("lo")).withFilter("udp port " + port).withImmediate(true));
      InMemoryFlowSink sink = new InMemoryFlowSink();
      Sensor sensor = new Sensor(SensorConfig.defaults("held-test"), sink);
      send(sender, port, 50); // while held: never seen, never counted
      Thread.sleep(300);
      AtomicReference<Object> outcome = new AtomicReference<>();
      Thread capture = runInBackground(sensor, source, outcome);
      Thread.sleep(500); // run() has swapped in the real filter
      send(sender, port, 20);
      Thread.sleep(500);
      source.stop();
      capture.join(10_000);
      source.close();

      assertTrue(outcome.get() instanceof SensorStats, "capture ended with " + outcome.get());
      SensorStats stats = (SensorStats) outcome.get();
      assertEquals(20, stats.packetsRead(), "only the datagrams sent after run(): " + stats);
      assertEquals(1, sink.records().size(), sink.records().toString());
      assertEquals(20, sink.records().get(0).getPacketsUp());
      assertTrue(stats.capture().received() <= 40, "lo shows each datagram at most twice: " + stats.capture());
      assertEquals(0, stats.capture().dropped());
    }
  }

  /** Runs the sensor on the source in a new thread; {@code outcome} gets its stats or its exception. */
  private static Thread runInBackground(Sensor sensor, LiveCaptureSource source, AtomicReference<Object> outcome) {
    Thread capture = new Thread(() -> {
      try {
        outcome.set(sensor.run(source));
      } catch (CaptureException | RuntimeException e) {
        outcome.set(e);
      }
    });
    capture.start();
    return capture;
  }

  private static void send(DatagramSocket socket, int port, int datagrams) throws Exception {
    byte[] payload = "agentwatch".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < datagrams; i++) {
      socket.send(new DatagramPacket(payload, payload.length, new InetSocketAddress("127.0.0.1", port)));
    }
  }

  /** tshark writing what it sees, or null when tshark is not installed (the comparison is then skipped). */
  private static Process startTshark(String filter, Path out) throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/tshark"))) {
      return null;
    }
    Process tshark = new ProcessBuilder("tshark", "-i", "lo", "-f", filter, "-w", out.toString())
        .redirectErrorStream(true).start();
    BufferedReader lines = new BufferedReader(new InputStreamReader(tshark.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    String line;
    while ((line = lines.readLine()) != null && System.nanoTime() < deadline) {
      if (line.contains("Capturing on")) {
        Thread drain = new Thread(() -> {
          try {
            lines.lines().forEach(ignored -> { });
          } catch (java.io.UncheckedIOException closedWhenTsharkStopped) {
            // nothing more to read
          }
        });
        drain.setDaemon(true);
        drain.start();
        return tshark;
      }
    }
    tshark.destroyForcibly();
    throw new AssertionError("tshark did not start capturing: " + line);
  }

  private static void stop(Process tshark) throws InterruptedException {
    if (tshark != null) {
      Thread.sleep(300);
      tshark.destroy(); // SIGTERM: tshark finishes the file
      tshark.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
