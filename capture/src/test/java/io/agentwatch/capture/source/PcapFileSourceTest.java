package io.agentwatch.capture.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.decode.PacketDecoder;
import io.agentwatch.capture.synth.SyntheticPcapWriter;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import io.agentwatch.capture.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapFileSourceTest {

  @TempDir Path dir;

  @Test
  void deliversEveryFrameWithNanosecondTimesAndLinkType() throws Exception {
    List<Long> times = new ArrayList<>();
    List<Integer> linkTypes = new ArrayList<>();
    try (PcapFileSource source = PcapFileSource.open(Corpus.file("flowtest/pcap/tls12.pcap"))) {
      long delivered = source.run((time, linkType, data, offset, length) -> {
        times.add(time);
        linkTypes.add(linkType);
      });
      assertEquals(26, delivered);
    }
    assertEquals(26, times.size());
    assertTrue(linkTypes.stream().allMatch(type -> type == PacketDecoder.DLT_EN10MB));
    assertTrue(times.get(0) > 1_000_000_000L * 1_000_000_000L, "epoch nanoseconds: " + times.get(0));
  }

  @Test
  void readsPcapng() throws Exception {
    try (PcapFileSource source = PcapFileSource.open(Corpus.file("ndpi/pcap/quic-v2.pcapng"))) {
      assertEquals(PacketDecoder.DLT_LINUX_SLL, source.linkType());
      assertEquals(19, source.run((time, linkType, data, offset, length) -> {}));
    }
  }

  @Test
  void missingFileIsReportedByName() {
    CaptureException error = assertThrows(CaptureException.class, () -> PcapFileSource.open(dir.resolve("absent.pcap")));
    assertTrue(error.getMessage().contains("absent.pcap: no such capture file"), error.getMessage());
  }

  @Test
  void fileThatIsNotACaptureIsReportedByName() throws Exception {
    Path notes = Files.writeString(dir.resolve("notes.pcap"), "these are not packets\n".repeat(10));
    CaptureException error = assertThrows(CaptureException.class, () -> PcapFileSource.open(notes));
    assertTrue(error.getMessage().contains("notes.pcap: not a readable pcap/pcapng capture"), error.getMessage());
  }

  @Test
  void fileCutInTheMiddleOfAPacketSaysSoAfterTheGoodPackets() throws Exception {
    Path whole = dir.resolve("whole.pcap");
    TcpSession session = TcpSessionBuilder.between("10.0.0.1", 40000, "10.0.0.2", 443).serverName("example.org").build();
    try (SyntheticPcapWriter writer = SyntheticPcapWriter.create(whole)) {
      writer.writeInTimeOrder(List.of(session));
    }
    byte[] bytes = Files.readAllBytes(whole);
    int firstTwoRecords = 24 + 2 * 16 + session.packets().get(0).frame().length + session.packets().get(1).frame().length;
    Path cut = Files.write(dir.resolve("capture.pcap"), java.util.Arrays.copyOf(bytes, firstTwoRecords + 16 + 10));

    List<Long> seen = new ArrayList<>();
    try (PcapFileSource source = PcapFileSource.open(cut)) {
      CaptureException error = assertThrows(CaptureException.class, () -> source.run((time, type, data, offset, length) -> seen.add(time)));
      assertTrue(error.getMessage().startsWith("capture.pcap: truncated in the middle of a packet after 2 packets"), error.getMessage());
      assertEquals(2, error.packetsBefore());
    }
    assertEquals(2, seen.size());
  }

  @Test
  void fuzzedFileEndsWithATypedError() throws Exception {
    try (PcapFileSource source = PcapFileSource.open(Corpus.file("ndpi/pcap/fuzz-2021-10-13.pcap"))) {
      CaptureException error = assertThrows(CaptureException.class, () -> source.run((time, type, data, offset, length) -> {}));
      assertTrue(error.getMessage().startsWith("fuzz-2021-10-13.pcap: "), error.getMessage());
    }
  }
}
