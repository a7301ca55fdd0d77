package io.agentwatch.delivery;

import io.agentwatch.delivery.alert.Alert;
import io.agentwatch.delivery.alert.AlertDecoder;
import io.agentwatch.delivery.ledger.DeadLetters;
import io.agentwatch.delivery.ledger.DeliveredKeys;
import io.agentwatch.delivery.receiver.DeliveryException;
import io.agentwatch.delivery.receiver.Receiver;
import io.agentwatch.delivery.receiver.ReceiverConfig;
import io.agentwatch.delivery.receiver.Receivers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the alerts topic and gives each alert to every receiver whose route matches, at least
 * once and, per receiver, never twice: an alert's offset is committed only after each matching
 * receiver accepted it or, after the configured tries, it was set aside in the dead-letter file;
 * each receiver's delivered (id, version) keys are kept in the state directory, so the alerts a
 * restart reads again (offsets not yet committed) are not sent again.
 *
 * <p>One thread; alerts go out in topic order, to one receiver after the other. A receiver that
 * is down holds the others back until it answers or its tries are spent (documented in the README).
 */
public final class AlertDelivery implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AlertDelivery.class);
  private static final Duration POLL = Duration.ofMillis(500);

  private final DeliveryConfig config;
  private final String topic;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<Receiver> receivers = new ArrayList<>();
  private final Map<String, DeliveredKeys> delivered = new HashMap<>();
  private final DeadLetters deadLetters;
  private final DeliveryMetrics metrics;
  private final AlertDecoder decoder = new AlertDecoder();
  private final Clock clock;
  private final Thread thread;
  private volatile boolean stopping;
  private volatile Throwable failure;

  private AlertDelivery(DeliveryConfig config, String bootstrapServers, String topic, Map<String, String> kafkaProperties,
      Path stateDir, String productVersion, Clock clock) {
    this.config = config;
    this.topic = topic;
    this.clock = clock;
    for (ReceiverConfig receiver : config.receivers()) {
      receivers.add(Receivers.open(receiver, config.timeout(), productVersion));
      delivered.put(receiver.name(), new DeliveredKeys(stateDir.resolve("delivered-" + receiver.name() + ".keys"),
          config.rememberedKeys()));
    }
    this.deadLetters = new DeadLetters(stateDir.resolve("dead-letters.jsonl"));
    this.metrics = new DeliveryMetrics(config.receivers().stream().map(ReceiverConfig::name).toList());
    Map<String, Object> properties = new HashMap<>(kafkaProperties);
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup());
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the job writes alerts in transactions
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    properties.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, worstCaseMillis() + 60_000));
    this.consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "alert-delivery");
  }

  /**
   * Starts delivering on a thread of its own.
   *
   * @param stateDir where the delivered keys and the dead-letter file are kept (created)
   */
  public static AlertDelivery start(DeliveryConfig config, String bootstrapServers, String topic,
      Map<String, String> kafkaProperties, Path stateDir, String productVersion) {
    AlertDelivery delivery = new AlertDelivery(config, bootstrapServers, topic, kafkaProperties, stateDir, productVersion,
        Clock.systemUTC());
    delivery.thread.start();
    LOG.info("delivering alerts of topic {} to {}", topic, config.receivers());
    return delivery;
  }

  public DeliveryMetrics metrics() {
    return metrics;
  }

  public Path deadLetterFile() {
    return deadLetters.file();
  }

  /** Why the delivery stopped by itself, or null while it runs (or was stopped by {@link #close}). */
  public Throwable failure() {
    return failure;
  }

  /** The longest a poll loop spends on one batch: every alert to every receiver with every try. */
  private long worstCaseMillis() {
    long perAlert = 0;
    for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
      perAlert += config.timeout().toMillis() * 2 + config.backoff(attempt, 1).toMillis();
    }
    return perAlert * Math.max(1, config.receivers().size()) * 50;
  }

  private void run() {
    try {
      consumer.subscribe(List.of(topic));
      while (!stopping) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          handle(record);
          consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
              new OffsetAndMetadata(record.offset() + 1)));
        }
      }
    } catch (WakeupException | Stopping e) {
      // close() asked; what was not committed is read again by the next start, and not resent
    } catch (RuntimeException | Error e) {
      failure = e;
      LOG.error("alert delivery stopped: {}", e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> record) {
    Alert alert;
    try {
      alert = decoder.decode(record.value());
    } catch (IllegalArgumentException e) {
      metrics.malformed();
      LOG.warn("skipping message {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
      return;
    }
    for (Receiver receiver : receivers) {
      String name = receiver.config().name();
      if (!receiver.config().route().matches(alert)) {
        continue;
      }
      DeliveredKeys keys = delivered.get(name);
      if (keys.contains(alert.deliveryKey())) {
        metrics.duplicateSkipped(name);
        continue;
      }
      deliver(receiver, alert);
      keys.add(alert.deliveryKey());
    }
  }

  /** Tries until the receiver accepts or the tries are spent; then the alert goes to the dead-letter file. */
  private void deliver(Receiver receiver, Alert alert) {
    String name = receiver.config().name();
    String lastError = null;
    for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
      if (stopping) {
        throw new Stopping();
      }
      try {
        receiver.send(alert);
        metrics.delivered(name);
        return;
      } catch (DeliveryException e) {
        lastError = e.getMessage();
        if (attempt == config.maxAttempts()) {
          break;
        }
        metrics.retried(name);
        Duration wait = config.backoff(attempt, ThreadLocalRandom.current().nextDouble());
        LOG.debug("{}: try {} of {} failed ({}); again in {} ms", alert.deliveryKey(), attempt, config.maxAttempts(), lastError,
            wait.toMillis());
        sleep(wait);
      }
    }
    LOG.warn("{} to {}: not accepted after {} tries ({}); written to {}", alert.deliveryKey(), name, config.maxAttempts(),
        lastError, deadLetters.file());
    deadLetters.add(clock.instant(), name, alert, config.maxAttempts(), lastError);
    metrics.deadLettered(name);
  }

  private void sleep(Duration wait) {
    long until = System.nanoTime() + wait.toNanos();
    try {
      while (!stopping && System.nanoTime() < until) {
        Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Stopping();
    }
    if (stopping) {
      throw new Stopping();
    }
  }

  /** Thrown inside the delivery thread when close() interrupts a send or a wait. */
  private static final class Stopping extends RuntimeException {
    Stopping() {
      super(null, null, false, false);
    }
  }

  /** Stops after the alert in hand (an unfinished one is sent again by the next start, not twice). */
  @Override
  public void close() {
    stopping = true;
    if (thread.isAlive()) {
      consumer.wakeup();
    }
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    receivers.forEach(Receiver::close);
    delivered.values().forEach(DeliveredKeys::close);
  }
}
