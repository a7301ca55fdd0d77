package io.agentwatch.jobs;

import io.agentwatch.demo.DemoFleet;
import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowMessageHeaders;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.SingleObjectCodec;
import io.agentwatch.schema.Transport;
import io.agentwatch.store.ClickHouseStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Flow records with known per host × vendor × service × minute truth, for the job tests: a few
 * hosts, three vendors with two services, a non-vendor destination, in event-time order over
 * {@code minutes}. Deterministic per seed.
 */
final class KnownStream {

  private static final String[][] SERVICES = {
      {"anthropic", "anthropic-api"}, {"anthropic", "claude-web"}, {"openai", "openai-api"}, {"mistral", "mistral-api"}};

  final List<FlowRecord> records = new ArrayList<>();

  KnownStream(int count, int hosts, int minutes, long seed) {
    this(count, hosts, Instant.parse("2026-11-02T09:00:00Z"), minutes, seed);
  }

  KnownStream(int count, int hosts, Instant from, int minutes, long seed) {
    Random random = new Random(seed);
    long start = from.toEpochMilli();
    for (int i = 0; i < count; i++) {
      long lastSeen = start + (long) i * minutes * 60_000L / count;
      String host = "host-" + random.nextInt(hosts);
      boolean ordinary = random.nextInt(10) == 0;
      String[] service = SERVICES[random.nextInt(SERVICES.length)];
      long up = 100 + random.nextInt(1_000_000);
      long down = 100 + random.nextInt(3_000_000);
      FlowRecord flow = FlowRecord.newBuilder()
          .setSensorId("known").setSequence(i + 1).setHost(host)
          .setSrcIp("10.0.0." + (1 + random.nextInt(200))).setSrcPort(40_000 + random.nextInt(20_000))
          .setDstIp("160.79.104." + random.nextInt(4)).setDstPort(443).setTransport(Transport.TCP)
          .setFirstSeen(Instant.ofEpochMilli(lastSeen - 5_000)).setLastSeen(Instant.ofEpochMilli(lastSeen))
          .setPacketsUp(up / 1000 + 1).setPacketsDown(down / 1000 + 1).setBytesUp(up).setBytesDown(down)
          .setSni(ordinary ? "www.debian.org" : "api." + service[0] + ".example")
          .setVendor(ordinary ? null : service[0]).setService(ordinary ? null : service[1])
          .setIdentifiedBy(ordinary ? Evidence.NONE : Evidence.SNI).setEndReason(EndReason.FIN)
          .build();
      records.add(flow);
    }
  }

  /**
   * The per-window sums of the AI-vendor records: "host/vendor/service/epochSecondOfWindowStart" →
   * "bytesUp bytesDown packetsUp packetsDown flows", in the form of {@link #windowsIn}.
   */
  Map<String, String> truth() {
    Map<String, DemoFleet.Totals> sums = new TreeMap<>();
    for (FlowRecord flow : records) {
      if (flow.getVendor() != null) {
        DemoFleet.minutesOf(flow.getFirstSeen(), flow.getLastSeen(), flow.getBytesUp(), flow.getBytesDown(),
                flow.getPacketsUp(), flow.getPacketsDown())
            .forEach((minute, part) -> sums.merge(flow.getHost() + "/" + flow.getVendor() + "/" + flow.getService()
                + "/" + minute.getEpochSecond(), part, DemoFleet.Totals::plus));
      }
    }
    Map<String, String> truth = new TreeMap<>();
    sums.forEach((k, s) -> truth.put(k, s.bytesUp() + " " + s.bytesDown() + " " + s.packetsUp() + " " + s.packetsDown()
        + " " + s.flows()));
    return truth;
  }

  /**
   * Adds {@code flows} uploads of {@code bytesEach} (and 10 kB back) by {@code host} to Anthropic's
   * API at {@code minute} into the stream, in time order (the truth counts them): an incident the
   * detectors alert on (upload-heavy at once; spike and fleet outlier once baselines exist).
   */
  KnownStream addUploadBurst(String host, int minute, int flows, long bytesEach) {
    long at = records.get(0).getLastSeen().toEpochMilli() / 60_000 * 60_000 + minute * 60_000L + 30_000;
    int index = 0;
    while (index < records.size() && records.get(index).getLastSeen().toEpochMilli() <= at) {
      index++;
    }
    for (int i = 0; i < flows; i++) {
      records.add(index + i, FlowRecord.newBuilder()
          .setSensorId("known").setSequence(records.size() + 1L).setHost(host)
          .setSrcIp("10.0.0.250").setSrcPort(30_000 + i).setDstIp("160.79.104.9").setDstPort(443).setTransport(Transport.TCP)
          .setFirstSeen(Instant.ofEpochMilli(at - 20_000)).setLastSeen(Instant.ofEpochMilli(at))
          .setBytesUp(bytesEach).setBytesDown(10_000).setPacketsUp(bytesEach / 1448 + 1).setPacketsDown(10)
          .setSni("api.anthropic.example").setVendor("anthropic").setService("anthropic-api")
          .setIdentifiedBy(Evidence.SNI).setEndReason(EndReason.FIN)
          .build());
    }
    return this;
  }

  /** Produces every record to {@code topic}, keyed by host as the sensor does. */
  void produce(String bootstrapServers, String topic) {
    produce(bootstrapServers, topic, records, false);
  }

  /** Produces {@code some} records, keyed by host, marked as re-sent when {@code resent} (as a sensor does after a failure). */
  static void produce(String bootstrapServers, String topic, List<FlowRecord> some, boolean resent) {
    produce(bootstrapServers, topic, some, resent, flow -> null);
  }

  /**
   * Like {@link #produce(String, String, List, boolean)}, each record to the partition
   * {@code partitionOf} gives (null: the producer's choice by key).
   */
  static void produce(String bootstrapServers, String topic, List<FlowRecord> some, boolean resent,
      Function<FlowRecord, Integer> partitionOf) {
    SingleObjectCodec<FlowRecord> codec = SingleObjectCodec.flowRecords();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      for (FlowRecord flow : some) {
        ProducerRecord<byte[], byte[]> message = new ProducerRecord<>(topic, partitionOf.apply(flow), flow.getHost().getBytes(),
            codec.encode(flow));
        if (resent) {
          message.headers().add(FlowMessageHeaders.RESENT, new byte[] {'1'});
        }
        producer.send(message);
      }
      producer.flush();
    }
  }

  /** The per-window sums in the store, in the form of {@link #truth}: the newest state of each window. */
  static Map<String, String> windowsIn(ClickHouseStore store) throws Exception {
    String rows = store.query("""
        SELECT host, vendor, service, toUnixTimestamp(window_start), bytes_up, bytes_down, packets_up, packets_down, flows
        FROM host_vendor_service_1m FINAL
        FORMAT TabSeparated""");
    Map<String, String> windows = new TreeMap<>();
    for (String row : rows.strip().split("\n")) {
      if (!row.isBlank()) {
        String[] f = row.split("\t");
        windows.put(f[0] + "/" + f[1] + "/" + f[2] + "/" + f[3], f[4] + " " + f[5] + " " + f[6] + " " + f[7] + " " + f[8]);
      }
    }
    return windows;
  }
}
