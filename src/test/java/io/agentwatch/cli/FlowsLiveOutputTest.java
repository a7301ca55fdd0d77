package io.agentwatch.cli;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `flows --interface` in a process of its own, its output on a pipe: a connection's record must
 * show while the capture runs, within seconds of the connection closing — not when an output
 * buffer fills or the capture stops.
 */
class FlowsLiveOutputTest {

  @TempDir Path dir;

  @Test
  void aFinishedConnectionIsPrintedWhileTheCaptureRuns() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      Path err = dir.resolve("flows.err");
      Process flows = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"), "io.agentwatch.cli.AgentWatch",
          "flows", "--interface", "lo", "--filter", "tcp port " + port, "--no-warm-up")
          .redirectError(err.toFile()).start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(flows.getInputStream(), StandardCharsets.UTF_8))
          .lines().forEach(lines::add));
      reader.setDaemon(true);
      reader.start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(err) && Files.readString(err).contains(": capturing")) && System.nanoTime() < deadline) {
          assertTrue(flows.isAlive(), "flows ended: " + Files.readString(err));
          Thread.sleep(100);
        }
        Thread.sleep(500);
        exchangeOneLine(server, port);

        String record = lines.poll(5, TimeUnit.SECONDS);
        assertNotNull(record, "no record within 5 s of the connection closing; stderr: " + Files.readString(err));
        assertTrue(record.contains("\"dst_port\":" + port) && record.contains("\"end_reason\":\"fin\""), record);
        assertTrue(flows.isAlive(), "printed while still capturing");
      } finally {
        flows.destroy();
        flows.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** One request line and one reply line, then both sides close: a complete TCP flow ending in FIN. */
  private static void exchangeOneLine(ServerSocket server, int port) throws Exception {
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port); Socket accepted = server.accept()) {
      OutputStream out = client.getOutputStream();
      out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      new BufferedReader(new InputStreamReader(accepted.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      accepted.getOutputStream().write("world\n".getBytes(StandardCharsets.US_ASCII));
      accepted.getOutputStream().flush();
      new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
