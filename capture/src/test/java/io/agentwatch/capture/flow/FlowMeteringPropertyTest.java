package io.agentwatch.capture.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.host.HostAttribution;
import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.capture.source.DirectFileSource;
import io.agentwatch.capture.synth.FrameBuilder;
import io.agentwatch.capture.synth.SyntheticPacket;
import io.agentwatch.capture.synth.SyntheticPcapWriter;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import io.agentwatch.schema.FlowRecord;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Metering is exact whatever the traffic looks like: for random captures (random TCP sessions and
 * UDP exchanges, random segmentation, interleaving, VLANs, teardowns, idle and active timeouts and
 * table sizes) the packets and L3 bytes summed over the exported records equal those summed over
 * the captured packets, per flow and in total, and every record has its own sequence number.
 * Reproduce one case with {@code -Dagentwatch.propertySeed=SEED -Dagentwatch.propertyRuns=1}.
 */
class FlowMeteringPropertyTest {

  private static final long FIRST_SEED = Long.getLong("agentwatch.propertySeed", 20251121L);
  private static final int RUNS = Integer.getInteger("agentwatch.propertyRuns", 150);
  private static final Instant START = Instant.parse("2025-03-01T08:00:00Z");

  /** Packets and L3 bytes of one conversation, whichever side sent them. */
  record Totals(long packets, long bytes) {
    Totals plus(long morePackets, long moreBytes) {
      return new Totals(packets + morePackets, bytes + moreBytes);
    }
  }

  @Test
  void sumsOverRecordsEqualSumsOverPacketsAndNoPacketCountsTwice() throws Exception {
    for (int run = 0; run < RUNS; run++) {
      long seed = FIRST_SEED + run;
      try {
        checkOneRandomCapture(new Random(seed));
      } catch (AssertionError | Exception e) {
        throw new AssertionError("failed for seed " + seed + " (rerun with -Dagentwatch.propertySeed=" + seed
            + " -Dagentwatch.propertyRuns=1): " + e.getMessage(), e);
      }
    }
  }

  private void checkOneRandomCapture(Random random) throws Exception {
    List<SyntheticPacket> packets = new ArrayList<>();
    Map<String, Totals> truth = new HashMap<>();
    int sessions = 1 + random.nextInt(40);
    for (int i = 0; i < sessions; i++) {
      if (random.nextInt(4) == 0) {
        addUdpExchange(random, i, packets, truth);
      } else {
        addTcpSession(random, i, packets, truth);
      }
    }
    packets.sort(Comparator.comparing(SyntheticPacket::time)); // stable: each conversation keeps its order

    ByteArrayOutputStream file = new ByteArrayOutputStream();
    try (SyntheticPcapWriter writer = new SyntheticPcapWriter(file)) {
      for (SyntheticPacket packet : packets) {
        writer.write(packet);
      }
    }
    FlowTableConfig table = FlowTableConfig.defaults()
        .withIdleTimeouts(Duration.ofMillis(200 + random.nextInt(5000)), Duration.ofMillis(200 + random.nextInt(5000)))
        .withActiveTimeout(Duration.ofMillis(100 + random.nextInt(10_000)))
        .withMaxFlows(1 + random.nextInt(sessions + 2));
    InMemoryFlowSink sink = new InMemoryFlowSink();
    Sensor sensor = new Sensor(new SensorConfig("property", table, EndpointCatalog.builtin(), HostAttribution.initiatorAddress(), 0), sink);
    SensorStats stats = sensor.run(DirectFileSource.of("random.pcap", ByteBuffer.wrap(file.toByteArray())));

    assertEquals(packets.size(), stats.packetsRead());
    assertEquals(packets.size(), stats.packetsDecoded(), "every synthetic frame decodes");
    Map<String, Totals> metered = new HashMap<>();
    Set<Long> sequences = new HashSet<>();
    for (FlowRecord record : sink.records()) {
      assertTrue(sequences.add(record.getSequence()), "sequence " + record.getSequence() + " used twice");
      String key = conversation(record.getTransport().toString(), record.getSrcIp(), record.getSrcPort(), record.getDstIp(), record.getDstPort());
      metered.merge(key, new Totals(record.getPacketsUp() + record.getPacketsDown(), record.getBytesUp() + record.getBytesDown()),
          (a, b) -> a.plus(b.packets(), b.bytes()));
    }
    assertEquals(truth, metered, table.toString());
    assertEquals(sink.records().size(), stats.recordsExported());
  }

  private static void addTcpSession(Random random, int index, List<SyntheticPacket> packets, Map<String, Totals> truth) {
    String client = "10.0." + (index / 200) + "." + (1 + index % 200);
    int clientPort = 20000 + index;
    String server = "203.0.113." + (1 + random.nextInt(3));
    int[] upload = sizes(random, random.nextInt(6), 1460);
    int[] download = sizes(random, random.nextInt(12), 1460);
    TcpSession session = TcpSessionBuilder.between(client, clientPort, server, 443)
        .startingAt(START.plusMillis(random.nextInt(60_000)))
        .packetInterval(Duration.ofNanos(1000L * (1 + random.nextInt(3_000_000))))
        .serverName(random.nextBoolean() ? "api.anthropic.com" : "example.org")
        .postQuantum(random.nextBoolean())
        .mss(200 + random.nextInt(1300))
        .upload(upload)
        .download(download)
        .vlan(random.nextInt(3) == 0 ? 1 + random.nextInt(4000) : 0)
        .teardown(TcpSessionBuilder.Teardown.values()[random.nextInt(3)])
        .seed(random.nextLong())
        .build();
    packets.addAll(session.packets());
    truth.put(conversation("TCP", client, clientPort, server, 443),
        new Totals(session.truth().packetsUp() + session.truth().packetsDown(), session.truth().bytesUp() + session.truth().bytesDown()));
  }

  private static void addUdpExchange(Random random, int index, List<SyntheticPacket> packets, Map<String, Totals> truth) {
    String client = "10.1." + (index / 200) + "." + (1 + index % 200);
    int clientPort = 30000 + index;
    String server = "198.51.100.53";
    FrameBuilder frames = new FrameBuilder();
    Instant time = START.plusMillis(random.nextInt(60_000));
    int count = 1 + random.nextInt(20);
    long bytes = 0;
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[random.nextInt(1200)];
      boolean fromClient = i == 0 || random.nextBoolean();
      byte[] frame = fromClient
          ? frames.udp(client, clientPort, server, 53, payload)
          : frames.udp(server, 53, client, clientPort, payload);
      packets.add(new SyntheticPacket(time, frame));
      bytes += FrameBuilder.IPV4_HEADER + FrameBuilder.UDP_HEADER + payload.length;
      time = time.plusNanos(1000L * (1 + random.nextInt(4_000_000)));
    }
    truth.put(conversation("UDP", client, clientPort, server, 53), new Totals(count, bytes));
  }

  private static int[] sizes(Random random, int count, int max) {
    int[] sizes = new int[count];
    for (int i = 0; i < count; i++) {
      sizes[i] = 1 + random.nextInt(max);
    }
    return sizes;
  }

  /** The same key for both directions: the two endpoints in sorted order. */
  private static String conversation(String transport, String a, int aPort, String b, int bPort) {
    String first = a + ":" + aPort;
    String second = b + ":" + bPort;
    return transport + " " + (first.compareTo(second) <= 0 ? first + " " + second : second + " " + first);
  }
}
