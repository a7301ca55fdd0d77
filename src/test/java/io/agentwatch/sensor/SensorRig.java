package io.agentwatch.sensor;

import io.agentwatch.config.Settings;
import io.agentwatch.capture.service.SensorService;
import io.agentwatch.capture.service.SensorServiceConfig;
import io.agentwatch.capture.synth.SyntheticPcapWriter;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.SingleObjectCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the sensor service tests share: a known capture, the service built as the CLI builds it, a consumer, a scrape. */
final class SensorRig {

  private SensorRig() {}

  /**
   * A capture of {@code seconds} of short TLS sessions to Anthropic, one every {@code everyMillis},
   * from 20 hosts: each ends with FIN, so the sensor emits a steady stream of records.
   */
  static Path knownCapture(Path dir, int seconds, int everyMillis) throws IOException {
    return knownCapture(dir, seconds, everyMillis, false);
  }

  /**
   * The same, plus (when {@code withLongSession}) one upload that lasts the whole capture, a packet
   * every 100 ms: a flow that is open whenever the capture is stopped.
   */
  static Path knownCapture(Path dir, int seconds, int everyMillis, boolean withLongSession) throws IOException {
    Path file = dir.resolve("known-" + seconds + "s" + (withLongSession ? "-long" : "") + ".pcap");
    Instant start = Instant.parse("2026-11-20T09:00:00Z");
    List<TcpSession> sessions = new ArrayList<>();
    int count = seconds * 1000 / everyMillis;
    for (int i = 0; i < count; i++) {
      sessions.add(TcpSessionBuilder.between("10.1.0." + (10 + i % 20), 40_000 + i % 20_000, "160.79.104.10", 443)
          .startingAt(start.plusMillis((long) i * everyMillis))
          .packetInterval(Duration.ofMillis(2))
          .serverName("api.anthropic.com")
          .upload(900, 1400)
          .download(600)
          .seed(i)
          .build());
    }
    if (withLongSession) {
      int[] uploads = new int[seconds * 10];
      java.util.Arrays.fill(uploads, 1000);
      sessions.add(TcpSessionBuilder.between("10.1.9.9", 39_999, "160.79.104.10", 443)
          .startingAt(start).packetInterval(Duration.ofMillis(50)).serverName("api.anthropic.com")
          .upload(uploads).download(600).seed(-1).build());
    }
    try (SyntheticPcapWriter writer = SyntheticPcapWriter.create(file)) {
      writer.writeInTimeOrder(sessions);
    }
    return file;
  }

  /** The service configured the way `agentwatch sensor` configures it, from flags only. */
  static SensorService service(Map<String, Object> flags) {
    Settings settings = Settings.load(SensorServiceConfig.SETTINGS, null, Map.of(), flags);
    return new SensorService(SensorServiceConfig.from(settings, Map.of()));
  }

  /** Every flow record in the topic, read from the beginning until none came for two seconds. */
  static List<FlowRecord> consumeAll(String bootstrapServers, String topic) {
    List<FlowRecord> records = new ArrayList<>();
    consumeAll(bootstrapServers, topic, (message, record) -> records.add(record));
    return records;
  }

  /** Hands every message of the topic and its flow record to {@code each}, as {@link #consumeAll(String, String)} reads them. */
  static void consumeAll(String bootstrapServers, String topic, BiConsumer<ConsumerRecord<byte[], byte[]>, FlowRecord> each) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    SingleObjectCodec<FlowRecord> codec = SingleObjectCodec.flowRecords();
    long received = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long quietSince = System.nanoTime();
      while (System.nanoTime() - quietSince < Duration.ofSeconds(2).toNanos() || received == 0
          && System.nanoTime() - quietSince < Duration.ofSeconds(20).toNanos()) {
        for (ConsumerRecord<byte[], byte[]> message : consumer.poll(Duration.ofMillis(200))) {
          try {
            each.accept(message, codec.decode(message.value()));
          } catch (SingleObjectCodec.MalformedMessageException e) {
            throw new AssertionError("the topic holds a record that is not a FlowRecord", e);
          }
          received++;
          quietSince = System.nanoTime();
        }
      }
    }
  }

  static String scrape(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  /** One un-labelled sample from Prometheus text, or -1 when absent. */
  static double sample(String metrics, String name) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
  }
}
