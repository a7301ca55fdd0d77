package io.agentwatch.capture.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.decode.DecodedPacket;
import io.agentwatch.capture.decode.PacketDecoder;
import io.agentwatch.capture.synth.FrameBuilder;
import io.agentwatch.capture.synth.SessionTruth;
import io.agentwatch.capture.synth.SyntheticPacket;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import io.agentwatch.capture.synth.TcpSessionBuilder.Teardown;
import io.agentwatch.schema.EndReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowTableTest {

  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final long SECOND = 1_000_000_000L;

  /** A record as the listener saw it; the flow's counters are only valid during the call. */
  record Emitted(EndReason reason, String src, long packetsUp, long packetsDown, long bytesUp, long bytesDown, long firstSeen, long lastSeen) {}

  private final List<Emitted> records = new ArrayList<>();
  private final PacketDecoder decoder = new PacketDecoder();
  private final DecodedPacket packet = new DecodedPacket();
  private final FrameBuilder frames = new FrameBuilder();

  private FlowTable table(FlowTableConfig config) {
    return new FlowTable(config, (flow, reason) -> records.add(new Emitted(
        reason, flow.initiatorAddress() + ":" + flow.initiatorPort(), flow.packetsUp(), flow.packetsDown(),
        flow.bytesUp(), flow.bytesDown(), flow.recordFirstSeenNanos(), flow.recordLastSeenNanos())));
  }

  private void send(FlowTable table, long nanos, byte[] frame) {
    assertTrue(decoder.decode(nanos, PacketDecoder.DLT_EN10MB, frame, 0, frame.length, packet));
    table.update(packet);
  }

  private void send(FlowTable table, TcpSession session) {
    for (SyntheticPacket synthetic : session.packets()) {
      send(table, nanos(synthetic.time()), synthetic.frame());
    }
  }

  private static long nanos(Instant time) {
    return time.getEpochSecond() * SECOND + time.getNano();
  }

  private static TcpSessionBuilder session() {
    return TcpSessionBuilder.between("10.0.0.5", 51000, "160.79.104.10", 443).startingAt(T0).serverName("api.anthropic.com")
        .upload(1400, 1400, 300).download(800);
  }

  private static void assertTruth(SessionTruth truth, Emitted record) {
    assertEquals(truth.clientIp() + ":" + truth.clientPort(), record.src());
    assertEquals(truth.packetsUp(), record.packetsUp());
    assertEquals(truth.packetsDown(), record.packetsDown());
    assertEquals(truth.bytesUp(), record.bytesUp());
    assertEquals(truth.bytesDown(), record.bytesDown());
    assertEquals(nanos(truth.firstSeen()), record.firstSeen());
    assertEquals(nanos(truth.lastSeen()), record.lastSeen());
  }

  @Test
  void finFromBothSidesEndsTheFlowWithFinIncludingTheLastAck() {
    FlowTable table = table(FlowTableConfig.defaults());
    TcpSession session = session().teardown(Teardown.FIN).build();
    send(table, session);
    assertEquals(List.of(), records, "the last ACK may still come: nothing emitted yet");

    table.sweep(nanos(session.truth().lastSeen()) + 2 * SECOND);

    assertEquals(1, records.size());
    assertEquals(EndReason.FIN, records.get(0).reason());
    assertTruth(session.truth(), records.get(0));
    assertEquals(0, table.size());
  }

  @Test
  void rstEndsTheFlowWithRst() {
    FlowTable table = table(FlowTableConfig.defaults());
    TcpSession session = session().teardown(Teardown.RST).build();
    send(table, session);
    table.flushAll();

    assertEquals(1, records.size());
    assertEquals(EndReason.RST, records.get(0).reason(), "a closed flow keeps its reason at the end of the capture");
    assertTruth(session.truth(), records.get(0));
  }

  @Test
  void aNewSynOnAClosedTupleStartsANewFlow() {
    FlowTable table = table(FlowTableConfig.defaults());
    send(table, session().teardown(Teardown.FIN).build());
    TcpSession again = session().teardown(Teardown.NONE).startingAt(T0.plusMillis(500)).build();
    send(table, again);
    table.flushAll();

    assertEquals(List.of(EndReason.FIN, EndReason.END_OF_CAPTURE), records.stream().map(Emitted::reason).toList());
    assertTruth(again.truth(), records.get(1));
  }

  @Test
  void flowsWithoutPacketsEndIdleByTransport() {
    FlowTable table = table(FlowTableConfig.defaults());
    long start = nanos(T0);
    send(table, start, frames.udp("10.0.0.5", 5353, "10.0.0.53", 53, new byte[30]));
    send(table, start, session().teardown(Teardown.NONE).build().packets().get(0).frame());

    send(table, start + 31 * SECOND, frames.udp("10.0.0.9", 5000, "10.0.0.53", 53, new byte[30]));
    assertEquals(List.of(EndReason.IDLE), records.stream().map(Emitted::reason).toList(), "UDP after 30 s, TCP not yet");
    assertEquals("10.0.0.5:5353", records.get(0).src());

    table.sweep(start + 61 * SECOND);
    assertEquals(3, records.size(), "TCP after 60 s, then the second UDP flow");
    assertEquals("10.0.0.5:51000", records.get(1).src());
  }

  @Test
  void aPacketAfterTheIdleTimeoutStartsANewFlowEvenBeforeASweep() {
    FlowTable table = table(FlowTableConfig.defaults().withIdleTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(5)));
    byte[] query = frames.udp("10.0.0.5", 5353, "10.0.0.53", 53, new byte[30]);
    send(table, nanos(T0), query);
    send(table, nanos(T0) + 6 * SECOND, query);
    table.flushAll();

    assertEquals(List.of(EndReason.IDLE, EndReason.END_OF_CAPTURE), records.stream().map(Emitted::reason).toList());
    assertEquals(2, table.flowsCreated());
  }

  @Test
  void longFlowsReportEveryActiveTimeoutAndTheSumsStayExact() {
    FlowTable table = table(FlowTableConfig.defaults().withActiveTimeout(Duration.ofSeconds(4)));
    TcpSession session = session().teardown(Teardown.FIN).packetInterval(Duration.ofMillis(900)).upload(java.util.stream.IntStream.generate(() -> 100).limit(12).toArray()).build();
    send(table, session);
    table.flushAll();

    List<EndReason> reasons = records.stream().map(Emitted::reason).toList();
    assertEquals(EndReason.FIN, reasons.get(reasons.size() - 1));
    assertTrue(reasons.subList(0, reasons.size() - 1).stream().allMatch(EndReason.ACTIVE_TIMEOUT::equals), reasons.toString());
    assertTrue(reasons.size() >= 3, reasons.toString());
    SessionTruth truth = session.truth();
    assertEquals(truth.packetsUp(), records.stream().mapToLong(Emitted::packetsUp).sum());
    assertEquals(truth.packetsDown(), records.stream().mapToLong(Emitted::packetsDown).sum());
    assertEquals(truth.bytesUp(), records.stream().mapToLong(Emitted::bytesUp).sum());
    assertEquals(truth.bytesDown(), records.stream().mapToLong(Emitted::bytesDown).sum());
    for (int i = 1; i < records.size(); i++) {
      assertTrue(records.get(i).firstSeen() > records.get(i - 1).lastSeen(), "records do not overlap");
    }
    for (Emitted record : records) {
      assertTrue(record.lastSeen() - record.firstSeen() < 4 * SECOND, "no record spans more than the active timeout");
    }
  }

  @Test
  void endOfCaptureFlushesOpenFlows() {
    FlowTable table = table(FlowTableConfig.defaults());
    TcpSession session = session().teardown(Teardown.NONE).build();
    send(table, session);
    table.flushAll();

    assertEquals(1, records.size());
    assertEquals(EndReason.END_OF_CAPTURE, records.get(0).reason());
    assertTruth(session.truth(), records.get(0));
    assertEquals(0, table.size());
  }

  @Test
  void aFullTableEvictsTheLeastRecentlySeenFlow() {
    FlowTable table = table(FlowTableConfig.defaults().withMaxFlows(2));
    long now = nanos(T0);
    send(table, now, frames.udp("10.0.0.1", 1000, "10.0.0.53", 53, new byte[10]));
    send(table, now + 1, frames.udp("10.0.0.2", 1000, "10.0.0.53", 53, new byte[10]));
    send(table, now + 2, frames.udp("10.0.0.1", 1000, "10.0.0.53", 53, new byte[10]));
    send(table, now + 3, frames.udp("10.0.0.3", 1000, "10.0.0.53", 53, new byte[10]));

    assertEquals(1, records.size());
    assertEquals(EndReason.EVICTED, records.get(0).reason());
    assertEquals("10.0.0.2:1000", records.get(0).src());
  }

  @Test
  void theInitiatorIsTheSynSenderOrElseTheSynAckReceiverOrElseTheFirstSender() {
    FlowTable table = table(FlowTableConfig.defaults());
    List<SyntheticPacket> packets = session().teardown(Teardown.NONE).build().packets();
    send(table, nanos(T0), packets.get(1).frame()); // SYN-ACK: the SYN was not captured
    table.flushAll();
    assertEquals("10.0.0.5:51000", records.get(0).src());

    records.clear();
    send(table, nanos(T0), packets.get(packets.size() - 1).frame()); // server data, mid-stream
    table.flushAll();
    assertEquals("160.79.104.10:443", records.get(0).src(), "mid-stream: the first sender");
  }

  @Test
  void configurationErrorsNameTheSetting() {
    IllegalArgumentException error = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> FlowTableConfig.defaults().withActiveTimeout(Duration.ZERO).validate());
    assertTrue(error.getMessage().contains("activeTimeout"), error.getMessage());
  }
}
