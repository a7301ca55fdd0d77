package io.agentwatch.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.service.SensorService;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.KafkaBroker;
import io.agentwatch.stack.LocalPorts;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sensor service live on the loopback interface: a real curl uploads over TLS (SNI
 * api.anthropic.com) to a local openssl s_server; the flow must arrive in Kafka with the endpoint's
 * host name, the vendor, and the bytes tshark counts in its own capture of the same traffic.
 * Needs root (or CAP_NET_RAW) and the Debian packages curl, openssl and tshark.
 */
class SensorLiveLoopbackTest {

  private static final String SERVER = "127.0.0.2";
  private static final String TOPIC = "flows";

  @TempDir Path dir;

  @Test
  void realTlsUploadOnLoopbackArrivesInKafkaWithHostVendorAndTsharksBytes() throws Exception {
    int port = LocalPorts.free();
    Path body = dir.resolve("upload.bin");
    Files.write(body, new byte[300_000]);
    List<Process> processes = new ArrayList<>();
    try (KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).start()) {
      broker.createTopic(TOPIC, 2);
      run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
          "-subj", "/CN=agentwatch-test", "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString());
      processes.add(start("openssl", "s_server", "-accept", SERVER + ":" + port, "-cert", dir.resolve("cert.pem").toString(),
          "-key", dir.resolve("key.pem").toString(), "-www", "-quiet"));
      awaitListening(port);
      Path truthCapture = dir.resolve("truth.pcap");
      Process dumpcap = start("dumpcap", "-q", "-i", "lo", "-f", "tcp port " + port, "-w", truthCapture.toString());
      processes.add(dumpcap);

      SensorService service = SensorRig.service(Map.of(
          "capture.interfaces", List.of("lo"), "capture.filter", "tcp port " + port,
          "kafka.bootstrap-servers", broker.bootstrapServers(), "hosts.mode", "endpoint", "hosts.name", "dev-laptop-7",
          "sensor.id", "live-test", "spool.directory", dir.resolve("spool").toString(), "metrics.listen", "off"));
      CompletableFuture<SensorStats> running = CompletableFuture.supplyAsync(() -> {
        try {
          return service.run();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertTrue(service.awaitCapturing(30, TimeUnit.SECONDS), "the sensor did not start capturing (warm-up included)");
      Thread.sleep(1_000); // dumpcap's capture open too
      run("curl", "-sk", "-o", "/dev/null", "--max-time", "20", "--data-binary", "@" + body,
          "--resolve", "api.anthropic.com:" + port + ":" + SERVER, "https://api.anthropic.com:" + port + "/v1/messages");
      Thread.sleep(2_500); // FIN grace and the last packets
      service.stop();
      SensorStats stats = running.get(60, TimeUnit.SECONDS);
      service.close();
      dumpcap.destroy();
      dumpcap.waitFor(10, TimeUnit.SECONDS);

      List<FlowRecord> flows = SensorRig.consumeAll(broker.bootstrapServers(), TOPIC).stream()
          .filter(r -> r.getDstPort() == port).toList();
      assertTrue(stats.packetsRead() > 0, "the live capture saw no packets");
      assertEquals(1, flows.size(), "one TLS connection, one record: " + flows);
      FlowRecord flow = flows.get(0);
      assertEquals("dev-laptop-7", flow.getHost());
      assertEquals("anthropic", flow.getVendor());
      assertEquals("api.anthropic.com", flow.getSni());
      long[] truth = tsharkL3Bytes(truthCapture, port);
      assertEquals(truth[0], flow.getBytesUp(), "bytes up vs tshark");
      assertEquals(truth[1], flow.getBytesDown(), "bytes down vs tshark");
      assertTrue(flow.getBytesUp() > 300_000, "the upload is not in bytes_up: " + flow.getBytesUp());
    } finally {
      processes.forEach(Process::destroyForcibly);
    }
  }

  /** L3 bytes (ip.len) client → server and back, as tshark reads them from its own capture. */
  private long[] tsharkL3Bytes(Path capture, int port) throws Exception {
    Process tshark = new ProcessBuilder("tshark", "-n", "-r", capture.toString(), "-T", "fields", "-e", "tcp.dstport", "-e", "ip.len")
        .redirectErrorStream(false).start();
    String out = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(tshark.waitFor(60, TimeUnit.SECONDS));
    long up = 0;
    long down = 0;
    for (String line : out.split("\n")) {
      String[] fields = line.trim().split("\t");
      if (fields.length == 2) {
        if (Integer.parseInt(fields[0]) == port) {
          up += Long.parseLong(fields[1]);
        } else {
          down += Long.parseLong(fields[1]);
        }
      }
    }
    return new long[] {up, down};
  }

  private Process start(String... command) throws IOException {
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(command[0] + ".log").toFile()).start();
  }

  private void run(String... command) throws Exception {
    Process process = start(command);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
  }

  private static void awaitListening(int port) throws Exception {
    for (int i = 0; i < 100; i++) {
      try (Socket ignored = new Socket(SERVER, port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("openssl s_server did not listen on " + SERVER + ":" + port);
  }
}
