package io.agentwatch.capture.catalog;

import io.agentwatch.capture.identify.CatalogException;
import io.agentwatch.capture.identify.CurrentCatalog;
import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.schema.PublishedCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the catalog topic on a thread of its own and replaces the sensor's {@link
 * CurrentCatalog} with each new version published there, within about a second. A publication
 * that cannot be used (not a catalog, a file that fails the reader's checks, content that does
 * not match its version) is refused with one WARN line naming the version, the publisher and the
 * problem, and the catalog in use stays. The topic is read from its beginning (no consumer
 * group: every sensor reads the whole, compacted, topic), so a sensor that starts gets the
 * newest catalog at once; until then, and when the topic is missing or the broker unreachable,
 * the local catalog (built-in plus files) is used.
 */
public final class CatalogSubscriber implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CatalogSubscriber.class);
  private static final Duration POLL = Duration.ofSeconds(1);
  /** How often a missing topic is looked for again. */
  static final Duration RETRY = Duration.ofSeconds(10);

  private final CatalogTopic topic;
  private final CurrentCatalog current;
  private final Consumer<EndpointCatalog> onChange;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  /** Down once the topic has been read to the end it had when first found (or found missing, or unreadable). */
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private Map<TopicPartition, Long> endAtStart;
  private volatile boolean closed;
  private volatile String lastRefusal;

  /** Not yet following: {@link #start} starts the thread. */
  CatalogSubscriber(CatalogTopic topic, CurrentCatalog current, Consumer<EndpointCatalog> onChange) {
    this.topic = topic.validate();
    this.current = current;
    this.onChange = onChange;
    Properties props = topic.connection("agentwatch-catalog-subscriber");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A missing topic is the publisher's to create, compacted: never an auto-created one that deletes the catalog.
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "catalog-subscriber");
    this.thread.setDaemon(true);
  }

  /** Starts following {@code topic}; each new catalog published there replaces what {@code current} holds. */
  public static CatalogSubscriber start(CatalogTopic topic, CurrentCatalog current) {
    return start(topic, current, next -> { });
  }

  /**
   * The same, and {@code onChange} is told each catalog taken into use, on the subscriber's thread
   * after the swap (the stack refreshes its vendors table); what it throws is logged, never fatal.
   */
  public static CatalogSubscriber start(CatalogTopic topic, CurrentCatalog current, Consumer<EndpointCatalog> onChange) {
    CatalogSubscriber subscriber = new CatalogSubscriber(topic, current, onChange);
    LOG.info("endpoint catalog: version {} in use; following topic '{}' at {} for new versions",
        current.get().version(), topic.topic(), topic.bootstrapServers());
    subscriber.thread.start();
    return subscriber;
  }

  /**
   * Waits until the catalog the topic held at start is in use (or refused), or the topic was found
   * missing or unreadable; false on timeout. A sensor waits briefly before capturing, so its first
   * records are identified with the published catalog.
   */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Publications that replaced the catalog in use. */
  public long applied() {
    return applied.get();
  }

  /** Publications refused (the catalog in use stayed). */
  public long refused() {
    return refused.get();
  }

  /** Why the newest refused publication was refused, or null when none was. */
  public String lastRefusal() {
    return lastRefusal;
  }

  private void run() {
    boolean missingReported = false;
    try {
      while (!closed) {
        try {
          if (consumer.assignment().isEmpty()) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic.topic(), RETRY);
            if (partitions == null || partitions.isEmpty()) {
              caughtUp.countDown();
              if (!missingReported) {
                LOG.warn("endpoint catalog: topic '{}' not found at {}; keeping version {}, looking again every {} s",
                    topic.topic(), topic.bootstrapServers(), current.get().version(), RETRY.toSeconds());
                missingReported = true;
              }
              Thread.sleep(RETRY.toMillis());
              continue;
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            endAtStart = consumer.endOffsets(assigned, RETRY);
          }
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            if (record.value() != null && CatalogTopic.KEY.equals(key(record))) {
              apply(record.value());
            }
          }
          if (caughtUp.getCount() > 0 && endAtStart.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
            caughtUp.countDown();
          }
        } catch (WakeupException e) {
          // close() ends the loop
        } catch (InterruptedException | InterruptException e) {
          return; // close() interrupted a wait
        } catch (RuntimeException e) {
          if (closed) {
            return;
          }
          // The broker went away, credentials were refused, ...: the sensor goes on with the catalog it has.
          caughtUp.countDown();
          LOG.warn("endpoint catalog: cannot read topic '{}' at {} ({}); keeping version {}, trying again in {} s",
              topic.topic(), topic.bootstrapServers(), e.toString(), current.get().version(), RETRY.toSeconds());
          consumer.unsubscribe();
          try {
            Thread.sleep(RETRY.toMillis());
          } catch (InterruptedException stop) {
            return;
          }
        }
      }
    } finally {
      // close() may have interrupted a sleep; the consumer's own close would throw on that flag.
      Thread.interrupted();
      consumer.close(Duration.ofSeconds(1));
    }
  }

  private static String key(ConsumerRecord<byte[], byte[]> record) {
    return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
  }

  /** One publication: the catalog it holds replaces the one in use, or is refused. */
  void apply(byte[] message) {
    String inUse = current.get().version();
    PublishedCatalog published;
    try {
      published = PublishedCatalogs.decode(message);
    } catch (CatalogException e) {
      refuse("a message of " + message.length + " bytes", e.getMessage(), inUse);
      return;
    }
    if (published.getVersion().equals(inUse)) {
      LOG.info("endpoint catalog: version {} on topic '{}' (published by {} at {}) is the one in use",
          inUse, topic.topic(), published.getPublisher(), published.getPublishedAt());
      return;
    }
    String what = "version " + published.getVersion() + " published by " + published.getPublisher() + " at "
        + published.getPublishedAt();
    EndpointCatalog next;
    try {
      next = PublishedCatalogs.catalog(published);
    } catch (CatalogException | IllegalArgumentException e) {
      refuse(what, e.getMessage(), inUse);
      return;
    }
    current.replace(next);
    applied.incrementAndGet();
    long services = next.files().stream().flatMap(file -> file.vendors().stream()).mapToLong(v -> v.services().size()).sum();
    LOG.info("endpoint catalog: now {} ({} files, {} services); was version {}", what, next.files().size(), services, inUse);
    try {
      onChange.accept(next);
    } catch (RuntimeException e) {
      LOG.warn("endpoint catalog: version {} is in use, but updating what depends on it failed: {}", next.version(), e.toString());
    }
  }

  private void refuse(String what, String problem, String inUse) {
    refused.incrementAndGet();
    lastRefusal = what + ": " + problem;
    LOG.warn("endpoint catalog on topic '{}' refused ({}): {}; keeping version {}", topic.topic(), what, problem, inUse);
  }

  /** Stops following the topic; the catalog in use stays. */
  @Override
  public void close() {
    closed = true;
    if (!thread.isAlive() && thread.getState() == Thread.State.NEW) {
      consumer.close(Duration.ZERO); // never started: no thread to close it
      return;
    }
    consumer.wakeup();
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
