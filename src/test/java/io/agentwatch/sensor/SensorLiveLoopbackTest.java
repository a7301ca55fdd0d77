package io.agentwatch.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.service.SensorService;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.KafkaBroker;
import io.agentwatch.testing.LiveLoopback;
import java.nio.file.Path;
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

  private static final String TOPIC = "flows";

  @TempDir Path dir;

  @Test
  void realTlsUploadOnLoopbackArrivesInKafkaWithHostVendorAndTsharksBytes() throws Exception {
    try (KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).start(); LiveLoopback loopback = LiveLoopback.start(dir)) {
      broker.createTopic(TOPIC, 2);
      int port = loopback.port();
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
      LiveLoopback.Capture capture = loopback.capture("truth");
      loopback.upload("api.anthropic.com", 300_000);
      service.stop();
      SensorStats stats = running.get(60, TimeUnit.SECONDS);
      service.close();
      Map<String, long[]> counted = capture.stop().totals();
      assertEquals(1, counted.size(), "tshark: one connection " + counted.keySet());
      long[] truth = counted.values().iterator().next();

      List<FlowRecord> flows = SensorRig.consumeAll(broker.bootstrapServers(), TOPIC).stream()
          .filter(r -> r.getDstPort() == port).toList();
      assertTrue(stats.packetsRead() > 0, "the live capture saw no packets");
      assertEquals(1, flows.size(), "one TLS connection, one record: " + flows);
      FlowRecord flow = flows.get(0);
      assertEquals("dev-laptop-7", flow.getHost());
      assertEquals("anthropic", flow.getVendor());
      assertEquals("api.anthropic.com", flow.getSni());
      assertEquals(truth[0], flow.getBytesUp(), "bytes up vs tshark");
      assertEquals(truth[1], flow.getBytesDown(), "bytes down vs tshark");
      assertTrue(flow.getBytesUp() > 300_000, "the upload is not in bytes_up: " + flow.getBytesUp());
    }
  }
}
