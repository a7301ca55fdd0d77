package io.agentwatch.sensor;

import static io.agentwatch.testing.TestCatalogs.ACME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.catalog.CatalogPublisher;
import io.agentwatch.capture.catalog.CatalogTopic;
import io.agentwatch.capture.catalog.PublishedCatalogs;
import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.capture.service.SensorService;
import io.agentwatch.capture.synth.SyntheticPcapWriter;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import io.agentwatch.schema.CatalogText;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.PublishedCatalog;
import io.agentwatch.stack.KafkaBroker;
import io.agentwatch.testing.CapturedLogs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog change reaches a running sensor through the catalog topic, without a restart: the
 * sensor service replays a capture at its recorded pace (TLS sessions to api.acme.example, a name
 * the built-in catalog does not know) while the catalog on the topic changes under it.
 */
class SensorCatalogTopicTest {

  @TempDir Path dir;

  @Test
  void aCatalogPublishedWhileTheSensorRunsIdentifiesTheNextFlowsAndABadOneIsRefused() throws Exception {
    Path capture = acmeSessions(dir, 14);
    EndpointCatalog builtin = EndpointCatalog.builtin();
    EndpointCatalog withAcme = EndpointCatalog.builtinWith(List.of(Files.writeString(dir.resolve("acme.yaml"), ACME)));
    try (KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).start(); CapturedLogs logs = new CapturedLogs()) {
      broker.createTopic("flows", 1);
      CatalogTopic topic = new CatalogTopic(broker.bootstrapServers(), CatalogTopic.DEFAULT_TOPIC, Map.of());
      CatalogPublisher.publish(topic, builtin, "test: the stack's catalog"); // what `up` publishes at start
      try (SensorService service = SensorRig.service(Map.of(
          "capture.read", capture.toString(), "capture.replay-speed", "recorded", "export.scope", "all",
          "kafka.bootstrap-servers", broker.bootstrapServers(),
          "spool.directory", dir.resolve("spool").toString(), "metrics.listen", "off"))) {
        Thread sensor = new Thread(() -> {
          try {
            service.run();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, "sensor");
        sensor.start();
        assertTrue(service.awaitCapturing(60, TimeUnit.SECONDS), "the sensor did not start capturing");
        Thread.sleep(4_000);
        CatalogPublisher.publish(topic, withAcme, "test: acme added");
        Thread.sleep(4_000);
        publishRaw(broker.bootstrapServers(), new PublishedCatalog("0123456789abcdef", Instant.now(), "test: a broken publisher",
            List.of(new CatalogText("broken.yaml", ACME.replace("llm-api", "chatbot")))));
        sensor.join(60_000);
      }

      List<FlowRecord> records = new ArrayList<>(SensorRig.consumeAll(broker.bootstrapServers(), "flows"));
      records.sort(Comparator.comparingLong(FlowRecord::getSequence));
      assertEquals(140, records.size());
      int firstNew = 0;
      while (firstNew < records.size() && records.get(firstNew).getCatalogVersion().equals(builtin.version())) {
        FlowRecord before = records.get(firstNew++);
        assertNull(before.getVendor(), "the built-in catalog does not know api.acme.example");
      }
      assertTrue(firstNew >= 10, "flows before the change were identified with the catalog of then: " + firstNew);
      assertTrue(firstNew <= 100, "the change took effect within seconds, not at the end: " + firstNew);
      for (FlowRecord after : records.subList(firstNew, records.size())) {
        assertEquals(withAcme.version(), after.getCatalogVersion(), "every flow after the change (the broken catalog was refused)");
        assertEquals("acme-ai", after.getVendor());
        assertEquals("api", after.getService());
        assertEquals("sni", after.getIdentifiedBy().name().toLowerCase());
      }
      assertNotEquals(builtin.version(), withAcme.version());
      String log = logs.text();
      assertTrue(log.contains("endpoint catalog: now version " + withAcme.version() + " published by test: acme added"), log);
      assertTrue(log.contains("endpoint catalog on topic 'catalog' refused (version 0123456789abcdef published by test: a broken publisher")
          && log.contains("published broken.yaml: line ") && log.contains("'chatbot'")
          && log.contains("keeping version " + withAcme.version()), log);
    }
  }

  /** Ten TLS sessions a second to api.acme.example for {@code seconds}, each ending with FIN soon after it starts. */
  private static Path acmeSessions(Path dir, int seconds) throws Exception {
    Path file = dir.resolve("acme.pcap");
    Instant start = Instant.parse("2026-12-07T09:00:00Z");
    List<TcpSession> sessions = new ArrayList<>();
    for (int i = 0; i < seconds * 10; i++) {
      sessions.add(TcpSessionBuilder.between("10.1.0." + (10 + i % 20), 40_000 + i, "203.0.113.20", 443)
          .startingAt(start.plusMillis(i * 100L)).packetInterval(Duration.ofMillis(2))
          .serverName("api.acme.example").upload(900, 1400).download(600).seed(i).build());
    }
    try (SyntheticPcapWriter writer = SyntheticPcapWriter.create(file)) {
      writer.writeInTimeOrder(sessions);
    }
    return file;
  }

  /** What a publisher that skips the checks would put on the topic. */
  private static void publishRaw(String bootstrapServers, PublishedCatalog published) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(CatalogTopic.DEFAULT_TOPIC, CatalogTopic.KEY.getBytes(StandardCharsets.UTF_8),
          PublishedCatalogs.encode(published))).get();
    }
  }
}
