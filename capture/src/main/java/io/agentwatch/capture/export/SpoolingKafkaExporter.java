package io.agentwatch.capture.export;

import io.agentwatch.capture.spool.DiskSpool;
import io.agentwatch.capture.spool.SpoolEntry;
import io.agentwatch.capture.spool.SpoolStats;
import io.agentwatch.schema.FlowMessageHeaders;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.HostTrafficMinute;
import io.agentwatch.schema.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers flow records to Kafka through a {@link DiskSpool}: {@link #accept} appends the encoded
 * record to the spool and returns (the sensor never waits for the broker); a sender thread reads
 * the spool in order and produces, keyed by host, with an idempotent acks=all producer, and
 * acknowledges each record in the spool once the broker has it.
 *
 * <p>Why the producer is told to retry for ever ({@code delivery.timeout.ms} at its maximum): during
 * a broker outage, the records already handed to it are retried by the producer itself with their
 * original producer sequence numbers, so the broker de-duplicates them — no gap and no duplicate;
 * meanwhile at most {@code maxInFlight} records wait in its memory and everything newer waits on
 * disk. A producer that fails anyway (topic missing, not allowed to write it, a fatal error) is
 * closed and replaced after a back-off, and delivery restarts from the oldest unacknowledged record.
 *
 * <p>A refused SASL login is the exception: retrying a wrong password never helps, so the sender
 * stops at once, says who was refused where ({@link KafkaExportConfig#loginRefused}), tells the
 * owner ({@code onLoginRefused}, so the sensor can exit non-zero) and leaves every record in the
 * spool for the next start; {@link #flush} then returns without waiting. A failed TLS handshake
 * stays retryable (a broker certificate being rotated), as does every broker outage.
 *
 * <p>Records that may have reached the broker before — those handed to a producer that then failed,
 * and those a previous run left in the spool — go out with the {@link FlowMessageHeaders#RESENT}
 * header, so the stream job can drop the copies it already has (the new producer's sequence
 * numbers do not let the broker recognise them).
 *
 * <p>Per-host minute totals ({@link #acceptHostTraffic}) take the same path — the same spool, in
 * the same order, the same producer — so an outage loses none of them either; the sender picks
 * each message's topic by its schema fingerprint ({@link SingleObjectCodec#wrote}), so the spool
 * format needs no topic field and spools of earlier versions read as before.
 */
public final class SpoolingKafkaExporter implements FlowSink {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolingKafkaExporter.class);
  private static final byte[] RESENT_VALUE = {'1'};

  private final KafkaExportConfig config;
  private final DiskSpool spool;
  private final Settings settings;
  private final SingleObjectCodec<FlowRecord> codec = SingleObjectCodec.flowRecords();
  private final SingleObjectCodec<HostTrafficMinute> hostTrafficCodec = SingleObjectCodec.hostTrafficMinutes();
  private final Thread sender;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong producerErrors = new AtomicLong();
  private final AtomicLong lastAcknowledgedMillis = new AtomicLong();
  private volatile String lastError;
  private volatile boolean credentialsRejected;
  /** Why the sender stopped for good (a refused login), or null while it delivers. */
  private volatile String loginRefused;
  private final Consumer<String> onLoginRefused;
  private volatile boolean running = true;
  private final CountDownLatch stopping = new CountDownLatch(1);
  /** Records appended when the last {@link #flush} ended; {@link #close} need not wait for them again. */
  private volatile long appendedAtLastFlush = -1;
  private Producer<byte[], byte[]> producer;
  /** The highest sequence handed to any producer, or left by the previous run; sender thread only. */
  private long sentThrough;

  /**
   * @param maxInFlight records handed to the producer and not yet acknowledged, at most
   * @param flushTimeout how long {@link #flush} waits for the broker before leaving the rest in the spool
   * @param minBackoff first wait after a producer failure; doubles up to {@code maxBackoff}
   */
  public record Settings(int maxInFlight, Duration flushTimeout, Duration minBackoff, Duration maxBackoff) {
    public static Settings defaults() {
      return new Settings(10_000, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public Settings withFlushTimeout(Duration timeout) {
      return new Settings(maxInFlight, timeout, minBackoff, maxBackoff);
    }
  }

  /** What the sender has done so far; for metrics and health. */
  public record DeliveryStats(
      long sent, long producerErrors, long lastAcknowledgedMillis, String lastError,
      boolean credentialsRejected, SpoolStats spool) {}

  public SpoolingKafkaExporter(KafkaExportConfig config, DiskSpool spool, Settings settings) {
    this(config, spool, settings, reason -> {});
  }

  /** @param onLoginRefused told, once, from the sender thread, when the broker refuses the login */
  public SpoolingKafkaExporter(KafkaExportConfig config, DiskSpool spool, Settings settings,
      Consumer<String> onLoginRefused) {
    this.config = config.validate();
    this.spool = spool;
    this.settings = settings;
    this.onLoginRefused = onLoginRefused;
    this.sentThrough = spool.lastSequence();
    this.sender = new Thread(this::sendLoop, "kafka-sender");
    this.sender.setDaemon(true);
    this.sender.start();
  }

  @Override
  public void accept(FlowRecord record) {
    spool.append(record.getSequence(), record.getHost().getBytes(StandardCharsets.UTF_8), codec.encode(record));
  }

  @Override
  public void acceptHostTraffic(HostTrafficMinute totals) {
    spool.append(totals.getSequence(), totals.getHost().getBytes(StandardCharsets.UTF_8), hostTrafficCodec.encode(totals));
  }

  /**
   * Waits until the broker has every record accepted so far, at most the flush timeout (not at all
   * once the login was refused). What it does not acknowledge stays in the spool, on disk, for the
   * sender (or the next run).
   */
  @Override
  public void flush() {
    appendedAtLastFlush = -1;
    try {
      long deadline = System.nanoTime() + settings.flushTimeout().toNanos();
      boolean drained = spool.awaitDrained(0, TimeUnit.MILLISECONDS);
      while (!drained && loginRefused == null && System.nanoTime() < deadline) {
        drained = spool.awaitDrained(Math.min(100, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1),
            TimeUnit.MILLISECONDS);
      }
      if (!drained) {
        SpoolStats stats = spool.stats();
        LOG.warn("Kafka has not acknowledged {} flow records{}{}; they stay in the spool {} and are sent "
                + "when the broker is back (or at the next start)", stats.pending(),
            loginRefused == null ? " after " + settings.flushTimeout().toSeconds() + " s" : "",
            lastError == null ? "" : " (last error: " + lastError + ")", spool.directory());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    spool.sync();
    appendedAtLastFlush = spool.stats().appended();
  }

  public DeliveryStats stats() {
    return new DeliveryStats(sent.get(), producerErrors.get(), lastAcknowledgedMillis.get(), lastError,
        credentialsRejected, spool.stats());
  }

  /** Flushes (unless nothing came since the last flush), stops the sender and closes the spool. */
  @Override
  public void close() {
    if (spool.stats().appended() != appendedAtLastFlush) {
      flush();
    }
    running = false;
    stopping.countDown();
    try {
      sender.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    spool.close();
  }

  // ---- the sender thread

  private void sendLoop() {
    Duration backoff = settings.minBackoff();
    long sentAtLastFailure = 0;
    long lastSync = System.nanoTime();
    try {
      while (running) {
        AuthenticationException refused = refusedLogin(failure.get());
        if (refused != null) {
          refuseLogin(refused);
          return;
        }
        if (failure.get() != null) {
          sentAtLastFailure = sent.get();
          recover(failure.get(), backoff);
          backoff = min(backoff.multipliedBy(2), settings.maxBackoff());
          continue;
        }
        if (sent.get() > sentAtLastFailure) {
          backoff = settings.minBackoff();
        }
        if (producer == null) {
          producer = new KafkaProducer<>(producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
        }
        if (System.nanoTime() - lastSync > TimeUnit.SECONDS.toNanos(1)) {
          spool.sync();
          lastSync = System.nanoTime();
        }
        if (spool.inFlight() >= settings.maxInFlight()) {
          Thread.sleep(5);
          continue;
        }
        SpoolEntry entry = spool.next(100, TimeUnit.MILLISECONDS);
        if (entry != null) {
          send(entry);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (running) {
        LOG.error("Kafka sender stopped: {}; flow records stay in the spool {}", e.getMessage(), spool.directory(), e);
        lastError = e.getMessage();
      }
    } finally {
      closeProducer(Duration.ofSeconds(5));
    }
  }

  private void send(SpoolEntry entry) {
    String topic = hostTrafficCodec.wrote(entry.value()) ? config.hostTrafficTopic() : config.topic();
    ProducerRecord<byte[], byte[]> message = new ProducerRecord<>(topic, entry.key(), entry.value());
    if (entry.sequence() <= sentThrough) {
      message.headers().add(FlowMessageHeaders.RESENT, RESENT_VALUE);
    } else {
      sentThrough = entry.sequence();
    }
    try {
      producer.send(message, (metadata, error) -> {
        if (error == null) {
          spool.acknowledge(entry);
          sent.incrementAndGet();
          lastAcknowledgedMillis.set(System.currentTimeMillis());
          credentialsRejected = false;
        } else {
          failure.compareAndSet(null, error);
        }
      });
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  /** The refused login (SASL, not a TLS handshake) behind {@code error}, or null. */
  private static AuthenticationException refusedLogin(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof AuthenticationException refused && !(e instanceof SslAuthenticationException)) {
        return refused;
      }
    }
    return null;
  }

  /** Stops delivery for good: the records stay in the spool; the owner is told why. */
  private void refuseLogin(AuthenticationException error) {
    producerErrors.incrementAndGet();
    credentialsRejected = true;
    String reason = config.loginRefused(error.getMessage());
    lastError = reason;
    loginRefused = reason;
    LOG.error("{}; the sensor stops sending: {} records stay in the spool {} for the next start", reason,
        spool.stats().pending(), spool.directory());
    closeProducer(Duration.ZERO);
    onLoginRefused.accept(reason);
  }

  /** Logs the failure once, drops the producer, waits, and hands every unacknowledged record out again. */
  private void recover(Exception error, Duration backoff) throws InterruptedException {
    producerErrors.incrementAndGet();
    credentialsRejected = error instanceof AuthenticationException;
    lastError = describe(error);
    long pending = spool.stats().pending();
    String message = "Kafka delivery to topics '{}' and '{}' at {} failed: {}; {} records wait in the spool, retrying in {} s";
    Object[] values = {config.topic(), config.hostTrafficTopic(), config.bootstrapServers(), lastError, pending,
        backoff.toSeconds()};
    if (error instanceof RetriableException) {
      LOG.warn(message, values);
    } else {
      LOG.error(message, values);
    }
    closeProducer(Duration.ZERO);
    spool.rewind();
    failure.set(null);
    stopping.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
  }

  static String describe(Exception error) {
    if (error instanceof SslAuthenticationException) {
      return "the TLS handshake with the broker failed (" + error.getMessage()
          + "); check kafka.ssl-truststore and kafka.ssl-keystore";
    }
    if (error instanceof AuthorizationException) {
      return "the sensor is not allowed to write the topic (" + error.getMessage() + ")";
    }
    return error.getClass().getSimpleName() + ": " + error.getMessage();
  }

  private Properties producerProperties() {
    Properties props = config.producerProperties();
    // Retrying for ever keeps the producer's own sequence numbers through an outage (see class doc).
    props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Integer.MAX_VALUE));
    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    return props;
  }

  private void closeProducer(Duration timeout) {
    if (producer != null) {
      try {
        producer.close(timeout);
      } catch (RuntimeException e) {
        LOG.debug("closing the Kafka producer: {}", e.getMessage());
      }
      producer = null;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
