package io.agentwatch.cli;

import static io.agentwatch.cli.FlowsCommandTest.agentwatch;
import static io.agentwatch.testing.TestCatalogs.ACME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.catalog.CatalogTopic;
import io.agentwatch.capture.catalog.PublishedCatalogs;
import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.cli.FlowsCommandTest.Run;
import io.agentwatch.schema.PublishedCatalog;
import io.agentwatch.stack.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `agentwatch catalog publish` against a real broker: what an operator runs to change every sensor's catalog. */
class CatalogPublishTest {

  @TempDir Path dir;

  @Test
  void publishesTheCheckedCatalogToACompactedTopicAndRefusesABadFileWithItsLine() throws Exception {
    Path acme = Files.writeString(dir.resolve("acme.yaml"), ACME);
    Path bad = Files.writeString(dir.resolve("bad.yaml"), ACME.replace("domains: [api.acme.example]",
        "domains: [api.acme.example]\n        cidrs: [10.0.0.0/33]"));
    try (KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).start()) {
      Run refused = agentwatch("catalog", "publish", "--kafka", broker.bootstrapServers(), "--catalog", bad.toString());
      assertEquals(2, refused.exitCode(), refused.out());
      assertTrue(refused.err().contains(bad + ": line ") && refused.err().contains("10.0.0.0/33"), refused.err());

      Run published = agentwatch("catalog", "publish", "--kafka", broker.bootstrapServers(), "--catalog", acme.toString());
      assertEquals(0, published.exitCode(), published.err());
      String version = EndpointCatalog.builtinWith(List.of(acme)).version();
      assertTrue(published.out().startsWith("published catalog version " + version + " (2 files, "), published.out());

      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, CatalogTopic.DEFAULT_TOPIC);
        Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
        assertEquals("compact", config.get("cleanup.policy").value(), "the newest catalog must outlive any retention");
      }
      List<PublishedCatalog> onTopic = read(broker.bootstrapServers());
      assertEquals(1, onTopic.size(), "the refused file published nothing");
      assertEquals(version, onTopic.get(0).getVersion());
      assertEquals("acme-ai", PublishedCatalogs.catalog(onTopic.get(0)).match("api.acme.example").vendor(),
          "a sensor reads back the catalog that was published");
    }
  }

  private static List<PublishedCatalog> read(String bootstrapServers) {
    List<PublishedCatalog> published = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(CatalogTopic.DEFAULT_TOPIC, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
          assertEquals(CatalogTopic.KEY, new String(record.key(), StandardCharsets.UTF_8));
          published.add(PublishedCatalogs.decode(record.value()));
        }
      }
    }
    return published;
  }
}
