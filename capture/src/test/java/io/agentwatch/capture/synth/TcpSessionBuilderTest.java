package io.agentwatch.capture.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.testing.SensorRun;
import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic capture tells the truth: a sensor reading it reports exactly what was written. */
class TcpSessionBuilderTest {

  @TempDir Path dir;

  @Test
  void sensorRecordsMatchTheTruthOfInterleavedSessions() throws Exception {
    Instant start = Instant.parse("2025-06-01T09:00:00.000001Z");
    TcpSession claude = TcpSessionBuilder.between("10.1.2.3", 50123, "160.79.104.10", 443)
        .startingAt(start).serverName("api.anthropic.com").postQuantum(true)
        .upload(1400, 1400, 1400, 600).download(900, 300).build();
    TcpSession openai = TcpSessionBuilder.between("10.1.2.4", 50999, "162.159.140.245", 443)
        .startingAt(start.plusMillis(3)).packetInterval(Duration.ofMillis(2)).serverName("API.OpenAI.com")
        .upload(200).download(5000).teardown(TcpSessionBuilder.Teardown.RST).seed(11).build();
    TcpSession unknown = TcpSessionBuilder.between("10.1.2.5", 40000, "93.184.216.34", 443)
        .startingAt(start.plusMillis(1)).serverName("example.org").vlan(42).teardown(TcpSessionBuilder.Teardown.NONE).build();
    Path capture = dir.resolve("synthetic.pcap");
    try (SyntheticPcapWriter writer = SyntheticPcapWriter.create(capture)) {
      writer.writeInTimeOrder(List.of(claude, openai, unknown));
    }

    SensorRun run = SensorRun.of(capture);

    assertEquals(3, run.records.size());
    assertRecordIsTruth(claude.truth(), run, EndReason.FIN);
    assertRecordIsTruth(openai.truth(), run, EndReason.RST);
    assertRecordIsTruth(unknown.truth(), run, EndReason.END_OF_CAPTURE);
    FlowRecord anthropic = record(run, claude.truth());
    assertEquals("anthropic", anthropic.getVendor());
    assertEquals("api", anthropic.getService());
    assertEquals("llm-api", anthropic.getCategory());
    assertEquals(Evidence.SNI, anthropic.getIdentifiedBy());
    assertEquals("h2,http/1.1", anthropic.getAlpn());
    assertEquals("10.1.2.3", anthropic.getHost());
    assertEquals("openai", record(run, openai.truth()).getVendor());
    assertEquals(Evidence.NONE, record(run, unknown.truth()).getIdentifiedBy());
  }

  @Test
  void aPostQuantumClientHelloSpansTwoSegments() {
    TcpSession session = TcpSessionBuilder.between("10.1.2.3", 50123, "160.79.104.10", 443).serverName("claude.ai").postQuantum(true).build();
    long helloSegments = session.packets().stream().filter(p -> p.frame().length > 54).count();
    assertEquals(2, helloSegments);
    assertTrue(session.truth().bytesUp() > 1500);
  }

  private static FlowRecord record(SensorRun run, SessionTruth truth) {
    return run.tcp(truth.clientIp(), truth.clientPort(), truth.serverIp(), truth.serverPort()).records().get(0);
  }

  private static void assertRecordIsTruth(SessionTruth truth, SensorRun run, EndReason reason) {
    FlowRecord record = record(run, truth);
    assertEquals(truth.packetsUp(), record.getPacketsUp());
    assertEquals(truth.packetsDown(), record.getPacketsDown());
    assertEquals(truth.bytesUp(), record.getBytesUp());
    assertEquals(truth.bytesDown(), record.getBytesDown());
    assertEquals(truth.firstSeen(), record.getFirstSeen());
    assertEquals(truth.lastSeen(), record.getLastSeen());
    assertEquals(truth.serverName(), record.getSni());
    assertEquals(reason, record.getEndReason());
  }
}
