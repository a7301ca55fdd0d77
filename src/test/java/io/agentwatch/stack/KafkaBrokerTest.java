package io.agentwatch.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KafkaBrokerTest {

  private static final String TOPIC = "numbers";

  @TempDir Path dir;

  /**
   * With the clients' default metadata.recovery.strategy=rebootstrap, the producer forgets the
   * cluster once the broker is gone, so send() blocks (up to max.block.ms) until it is back; with
   * "none" it keeps the partitions it knew and send() goes on buffering through the outage. Either
   * way nothing may be lost or duplicated.
   */
  @ParameterizedTest(name = "metadata.recovery.strategy={0}")
  @ValueSource(strings = {"rebootstrap", "none"})
  void anIdempotentProducerRidesOutABrokerRestartWithoutLossOrDuplicates(String recoveryStrategy) throws Exception {
    try (KafkaBroker broker = new KafkaBroker(dir, 0).start()) {
      String bootstrap = broker.bootstrapServers();
      broker.createTopic(TOPIC, 2);

      AtomicBoolean producing = new AtomicBoolean(true);
      AtomicLong sent = new AtomicLong();
      AtomicLong acked = new AtomicLong();
      Queue<Exception> failures = new ConcurrentLinkedQueue<>();
      Map<String, Object> config = idempotentProducer(bootstrap);
      config.put(CommonClientConfigs.METADATA_RECOVERY_STRATEGY_CONFIG, recoveryStrategy);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
        Thread sender = new Thread(() -> {
          while (producing.get()) {
            long number = sent.incrementAndGet();
            try {
              producer.send(new ProducerRecord<>(TOPIC, Long.toString(number)), (metadata, e) -> {
                if (e != null) {
                  failures.add(e);
                } else {
                  acked.incrementAndGet();
                }
              });
            } catch (RuntimeException e) { // e.g. send() blocked longer than max.block.ms
              failures.add(e);
            }
            if (number % 10 == 0) {
              sleep(1); // a few thousand records a second: the buffer holds the whole outage
            }
          }
        }, "numbered-producer");
        sender.setDaemon(true);
        sender.start();

        sleep(1_500);
        long ackedBeforeStop = acked.get();
        long stopStarted = System.nanoTime();
        broker.stop();
        long stopMillis = millisSince(stopStarted);
        assertFalse(broker.isRunning());
        long sentAtStop = sent.get();
        long unacknowledgedAtStop = sentAtStop - acked.get();

        sleep(10_000);
        long sentDuringOutage = sent.get() - sentAtStop;
        long ackedDuringOutage = acked.get();
        long startStarted = System.nanoTime();
        broker.start();
        long startMillis = millisSince(startStarted);
        assertEquals(bootstrap, broker.bootstrapServers(), "same client port after the restart");
        long resumeStarted = System.nanoTime();
        while (acked.get() == ackedDuringOutage && millisSince(resumeStarted) < 30_000) {
          sleep(10);
        }
        long resumeMillis = millisSince(resumeStarted);

        sleep(1_500);
        producing.set(false);
        sender.join();
        producer.flush();
        long total = sent.get();
        System.out.printf("broker restart (metadata.recovery.strategy=%s): stop() %d ms, start() %d ms, producer"
                + " resumed %d ms after start(); %d records acked before the stop, %d unacknowledged when it"
                + " stopped, %d more sent during the 10 s outage, %d in all%n", recoveryStrategy,
            stopMillis, startMillis, resumeMillis, ackedBeforeStop, unacknowledgedAtStop, sentDuringOutage, total);

        assertEquals(List.of(), List.copyOf(failures), "no send failed");
        assertTrue(ackedBeforeStop > 0, "records were acknowledged before the stop");
        assertTrue(unacknowledgedAtStop > 0, "records were waiting in the producer across the outage");
        if (recoveryStrategy.equals("none")) {
          assertTrue(sentDuringOutage > 0, "send() kept buffering during the outage");
        }
        assertEquals(total, acked.get(), "every record acknowledged");
        assertTrue(broker.topics().contains(TOPIC), "the topic survives the restart");

        Map<Long, Integer> copies = readNumbers(bootstrap);
        List<Long> missing = new ArrayList<>();
        for (long n = 1; n <= total; n++) {
          if (!copies.containsKey(n)) {
            missing.add(n);
          }
        }
        Map<Long, Integer> duplicated = copies.entrySet().stream().filter(e -> e.getValue() > 1)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertEquals(List.of(), missing.subList(0, Math.min(20, missing.size())), "missing numbers");
        assertEquals(Map.of(), duplicated, "numbers present more than once");
        assertEquals(total, copies.size(), "nothing but 1.." + total);
      }
    }
  }

  @Test
  void startRightAfterStopRebindsTheSamePortsWhileClientsAreConnected() throws Exception {
    try (KafkaBroker broker = new KafkaBroker(dir, 0).start()) {
      broker.createTopic(TOPIC, 1);
      // Open connections: the broker closes them on stop, leaving its side in TIME_WAIT on the client port.
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(idempotentProducer(broker.bootstrapServers()))) {
        producer.send(new ProducerRecord<>(TOPIC, "1")).get(10, TimeUnit.SECONDS);
        broker.stop();
        broker.start();
        producer.send(new ProducerRecord<>(TOPIC, "2")).get(30, TimeUnit.SECONDS);
      }
      assertEquals(Map.of(1L, 1, 2L, 1), readNumbers(broker.bootstrapServers()));
      assertThrows(IllegalStateException.class, broker::start, "starting a running broker is refused");
    }
  }

  @Test
  void aScramBrokerAcceptsTheRightPasswordRejectsAWrongOneAndNeverLogsIt() throws Exception {
    String password = "Pa55-\"quoted\"-s3cret";
    CapturedLogs logs = CapturedLogs.start(Level.DEBUG);
    try (KafkaBroker broker = new KafkaBroker(dir, 0).withScramUser("sensor", password).start()) {
      broker.createTopic(TOPIC, 1);
      for (String mechanism : KafkaBroker.SASL_MECHANISMS) {
        try (KafkaProducer<String, String> producer =
            new KafkaProducer<>(saslProducer(broker.saslBootstrapServers(), mechanism, "sensor", password))) {
          producer.send(new ProducerRecord<>(TOPIC, mechanism)).get(10, TimeUnit.SECONDS);
        }
      }
      assertEquals(KafkaBroker.SASL_MECHANISMS.size(), readStrings(broker.bootstrapServers()).size());

      for (String[] wrong : new String[][] {{"sensor", "wrong"}, {"nobody", password}}) {
        long started = System.nanoTime();
        try (KafkaProducer<String, String> producer =
            new KafkaProducer<>(saslProducer(broker.saslBootstrapServers(), "SCRAM-SHA-256", wrong[0], wrong[1]))) {
          Exception e = assertThrows(Exception.class,
              () -> producer.send(new ProducerRecord<>(TOPIC, "rejected")).get(10, TimeUnit.SECONDS));
          Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
          System.out.printf("wrong credentials (%s) rejected after %d ms: %s thrown by send%s: %s%n", wrong[0],
              millisSince(started), cause.getClass().getName(), e instanceof ExecutionException ? "().get()" : "()",
              cause.getMessage());
          assertInstanceOf(SaslAuthenticationException.class, cause);
          assertTrue(millisSince(started) < 5_000, "rejected quickly");
        }
      }
      assertThrows(IllegalStateException.class, () -> broker.withScramUser("late", "x"), "users are set before start");
    } finally {
      logs.detach();
    }
    assertTrue(logs.lines() > 100, "the broker logged (" + logs.lines() + " lines)");
    assertTrue(logs.contains("sasl.jaas.config = [hidden]"), "client configs were logged, masked");
    // In clear, or base64-encoded as request logs print bytes (alone, or as the PLAIN token "\0user\0password").
    List<String> leaks = List.of(password, "Pa55", base64(password), base64("\0sensor\0" + password));
    for (String leak : leaks) {
      assertFalse(logs.contains(leak), "the logs contain " + leak);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        for (String leak : leaks) {
          assertFalse(content.contains(leak), file + " contains " + leak);
        }
      }
    }
  }

  private static Map<String, Object> idempotentProducer(String bootstrap) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return config;
  }

  private static Map<String, Object> saslProducer(String bootstrap, String mechanism, String user, String password) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
    config.put(SaslConfigs.SASL_MECHANISM, mechanism);
    String module = mechanism.equals("PLAIN")
        ? "org.apache.kafka.common.security.plain.PlainLoginModule"
        : "org.apache.kafka.common.security.scram.ScramLoginModule";
    config.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + user + "\" password=\""
        + password.replace("\\", "\\\\").replace("\"", "\\\"") + "\";");
    return config;
  }

  /** Reads the whole topic with isolation.level=read_committed; counts the copies of each number. */
  private static Map<Long, Integer> readNumbers(String bootstrap) {
    Map<Long, Integer> copies = new HashMap<>();
    for (String value : readStrings(bootstrap)) {
      copies.merge(Long.parseLong(value), 1, Integer::sum);
    }
    return copies;
  }

  private static List<String> readStrings(String bootstrap) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertTrue(System.nanoTime() < deadline, "topic read to its end within 30 s");
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every log line of every logger at the given level and above, while started. */
  private static final class CapturedLogs extends AbstractAppender {
    private final StringBuffer text = new StringBuffer();
    private final AtomicLong lines = new AtomicLong();
    private final Level previousRoot;

    private CapturedLogs(Level previousRoot) {
      super("captured", null, null, true, Property.EMPTY_ARRAY);
      this.previousRoot = previousRoot;
    }

    static CapturedLogs start(Level level) {
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      Configuration config = context.getConfiguration();
      LoggerConfig root = config.getRootLogger();
      CapturedLogs appender = new CapturedLogs(root.getLevel());
      appender.start();
      // Named loggers with their own level (io.agentwatch, QuorumController…) also pass through the root's appenders.
      root.addAppender(appender, level, null);
      // Keep the console readable: while capturing, the root logs only to this appender.
      root.getAppenders().keySet().stream().filter(name -> !name.equals(appender.getName()))
          .forEach(root::removeAppender);
      root.setLevel(level);
      config.getLoggers().values().forEach(logger -> logger.setLevel(level));
      context.updateLoggers();
      return appender;
    }

    @Override
    public void append(LogEvent event) {
      lines.incrementAndGet();
      text.append(event.getMessage().getFormattedMessage()).append('\n');
      if (event.getThrown() != null) {
        text.append(event.getThrown()).append('\n');
      }
    }

    void detach() {
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      context.getConfiguration().getRootLogger().removeAppender(getName());
      context.reconfigure(); // back to log4j2-test.xml levels
      super.stop();
    }

    long lines() {
      return lines.get();
    }

    boolean contains(String needle) {
      return text.indexOf(needle) >= 0;
    }
  }
}
