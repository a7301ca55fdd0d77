package io.agentwatch.capture.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.synth.SyntheticPcapWriter;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import io.agentwatch.capture.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every capture-file reader promises, whichever one the user picks: a bad file is named with
 * its problem, and a file cut short keeps the packets before the cut.
 */
class FileSourceContractTest {

  /** The file readers behind {@code --reader}. */
  enum Reader {
    LIBPCAP {
      @Override
      PacketSource open(Path file) throws CaptureException {
        return PcapFileSource.open(file);
      }
    },
    DIRECT {
      @Override
      PacketSource open(Path file) throws CaptureException {
        return DirectFileSource.open(file);
      }
    };

    abstract PacketSource open(Path file) throws CaptureException;
  }

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Reader.class)
  void missingFileIsReportedByName(Reader reader) {
    CaptureException error = assertThrows(CaptureException.class, () -> reader.open(dir.resolve("absent.pcap")));
    assertTrue(error.getMessage().contains("absent.pcap: no such capture file"), error.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Reader.class)
  void fileThatIsNotACaptureIsReportedByName(Reader reader) throws Exception {
    Path notes = Files.writeString(dir.resolve("notes.pcap"), "these are not packets\n".repeat(10));
    CaptureException error = assertThrows(CaptureException.class, () -> reader.open(notes));
    assertTrue(error.getMessage().contains("notes.pcap: not a readable pcap/pcapng capture"), error.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Reader.class)
  void fileCutInTheMiddleOfAPacketSaysSoAfterTheGoodPackets(Reader reader) throws Exception {
    Path whole = dir.resolve("whole.pcap");
    TcpSession session = TcpSessionBuilder.between("10.0.0.1", 40000, "10.0.0.2", 443).serverName("example.org").build();
    try (SyntheticPcapWriter writer = SyntheticPcapWriter.create(whole)) {
      writer.writeInTimeOrder(List.of(session));
    }
    byte[] bytes = Files.readAllBytes(whole);
    int firstTwoRecords = 24 + 2 * 16 + session.packets().get(0).frame().length + session.packets().get(1).frame().length;
    Path cut = Files.write(dir.resolve("capture.pcap"), Arrays.copyOf(bytes, firstTwoRecords + 16 + 10));

    List<Long> seen = new ArrayList<>();
    try (PacketSource source = reader.open(cut)) {
      CaptureException error = assertThrows(CaptureException.class, () -> source.run((time, type, data, offset, length) -> seen.add(time)));
      assertTrue(error.getMessage().startsWith("capture.pcap: truncated in the middle of a packet after 2 packets"), error.getMessage());
      assertEquals(2, error.packetsBefore());
    }
    assertEquals(2, seen.size());
  }

  @ParameterizedTest
  @EnumSource(Reader.class)
  void fuzzedFileEndsWithATypedErrorNamingIt(Reader reader) throws Exception {
    try (PacketSource source = reader.open(Corpus.file("ndpi/pcap/fuzz-2021-10-13.pcap"))) {
      CaptureException error = assertThrows(CaptureException.class, () -> source.run((time, type, data, offset, length) -> {}));
      assertTrue(error.getMessage().startsWith("fuzz-2021-10-13.pcap: "), error.getMessage());
    } catch (CaptureException rejectedAtOpen) {
      // A reader may already refuse the header; the promise is the same: a typed error naming the file.
      assertTrue(rejectedAtOpen.getMessage().startsWith("fuzz-2021-10-13.pcap: "), rejectedAtOpen.getMessage());
    }
  }
}
