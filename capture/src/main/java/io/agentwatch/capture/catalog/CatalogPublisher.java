package io.agentwatch.capture.catalog;

import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.schema.PublishedCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Puts the effective catalog on the catalog topic (creating the topic, compacted, when it is
 * missing): the running stack at start, {@code agentwatch catalog publish} for a cluster. Sensors
 * subscribed to the topic switch to it within seconds ({@link CatalogSubscriber}).
 */
public final class CatalogPublisher {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private CatalogPublisher() {}

  /**
   * Publishes {@code catalog} and waits until the broker has it.
   *
   * @param publisher who publishes (shown in the sensors' log lines)
   * @return what was published
   * @throws IllegalStateException naming the topic and the broker's reason when it fails
   */
  public static PublishedCatalog publish(CatalogTopic topic, EndpointCatalog catalog, String publisher) {
    topic.validate();
    ensureTopic(topic);
    PublishedCatalog published = PublishedCatalogs.of(catalog, publisher, Instant.now());
    Properties props = topic.connection("agentwatch-catalog-publisher");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    // The built-in catalog alone is about 100 kB of text: well under a broker's default 1 MB message.
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic.topic(), CatalogTopic.KEY.getBytes(StandardCharsets.UTF_8),
          PublishedCatalogs.encode(published))).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot publish the catalog to topic '" + topic.topic() + "' at "
          + topic.bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot publish the catalog to topic '" + topic.topic() + "' at "
          + topic.bootstrapServers() + ": no answer within " + TIMEOUT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing the catalog", e);
    }
    return published;
  }

  /** Creates the topic, one partition, compacted, with the cluster's replication, unless it exists. */
  static void ensureTopic(CatalogTopic topic) {
    try (Admin admin = Admin.create(topic.connection("agentwatch-catalog-admin"))) {
      NewTopic compacted = new NewTopic(topic.topic(), Optional.of(1), Optional.empty()).configs(CatalogTopic.TOPIC_SETTINGS);
      admin.createTopics(List.of(compacted)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create the catalog topic '" + topic.topic() + "' at "
            + topic.bootstrapServers() + ": " + e.getCause().getMessage() + " (create it compacted: cleanup.policy=compact)",
            e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("the Kafka cluster at " + topic.bootstrapServers() + " did not answer within "
          + TIMEOUT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the catalog topic", e);
    }
  }
}
