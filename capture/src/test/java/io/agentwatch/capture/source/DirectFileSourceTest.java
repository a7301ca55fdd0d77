package io.agentwatch.capture.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.decode.PacketDecoder;
import io.agentwatch.capture.synth.FrameBuilder;
import io.agentwatch.capture.synth.SyntheticPcapWriter;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import io.agentwatch.capture.testing.Corpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectFileSourceTest {

  @TempDir Path dir;

  /** One delivered frame, copied. */
  record Frame(long timeNanos, int linkType, byte[] bytes) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Frame f && f.timeNanos == timeNanos && f.linkType == linkType && Arrays.equals(f.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(timeNanos) * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return timeNanos + "/" + linkType + "/" + bytes.length + "B";
    }
  }

  /** What a source delivered and how it ended. */
  record Reading(List<Frame> frames, String error) {}

  static Reading read(PacketSource source) {
    List<Frame> frames = new ArrayList<>();
    String error = null;
    try (source) {
      source.run((time, linkType, data, offset, length) ->
          frames.add(new Frame(time, linkType, Arrays.copyOfRange(data, offset, offset + length))));
    } catch (CaptureException e) {
      error = e.getMessage();
    }
    return new Reading(frames, error);
  }

  @Test
  void deliversTheSameFramesTimesAndLinkTypesAsLibpcapOnEveryCorpusFile() throws Exception {
    List<Path> captures;
    try (Stream<Path> files = Files.walk(Corpus.root())) {
      captures = files.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng")).sorted().toList();
    }
    assertTrue(captures.size() >= 20, "corpus captures found: " + captures.size());
    for (Path capture : captures) {
      Reading libpcap = read(PcapFileSource.open(capture));
      Reading direct = read(DirectFileSource.open(capture));
      String where = Corpus.root().relativize(capture) + " libpcap error: " + libpcap.error() + ", direct error: " + direct.error();
      assertEquals(libpcap.frames().size(), direct.frames().size(), where);
      assertEquals(libpcap.frames(), direct.frames(), where);
      assertEquals(libpcap.error() == null, direct.error() == null, where);
      // Small windows: most records cross into the chunk read in the background, some are larger
      // than a window; the frames and the error must not change.
      for (int window : new int[] {300, 4096}) {
        assertEquals(direct, read(DirectFileSource.open(capture, window)), where + ", window " + window);
      }
    }
  }

  @Test
  void readsEveryByteOrderAndTimePrecisionOfClassicPcap() throws Exception {
    byte[] frame = new FrameBuilder().udp("10.0.0.1", 5353, "10.0.0.2", 53, new byte[] {1, 2, 3});
    long seconds = 1_700_000_000L;
    for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
      for (boolean nanos : List.of(false, true)) {
        ByteBuffer file = ByteBuffer.allocate(24 + 16 + frame.length).order(order);
        file.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
            .putInt(65535).putInt(1);
        file.putInt((int) seconds).putInt(nanos ? 123_456_789 : 123_456).putInt(frame.length).putInt(frame.length).put(frame);
        Path path = Files.write(dir.resolve("t-" + order + "-" + nanos + ".pcap"), file.array());
        Reading reading = read(DirectFileSource.open(path));
        Reading libpcap = read(PcapFileSource.open(path));
        assertEquals(List.of(new Frame(seconds * 1_000_000_000L + (nanos ? 123_456_789 : 123_456_000), 1, frame)), reading.frames(),
            order + " nanos=" + nanos);
        assertEquals(libpcap.frames(), reading.frames());
      }
    }
  }

  @Test
  void readsPcapngWithSeveralInterfacesLinkTypesResolutionsAndSections() throws Exception {
    byte[] ethernet = new FrameBuilder().tcp("10.0.0.1", 40000, "10.0.0.2", 443, 1, 0, 0x02, new byte[0]);
    byte[] rawIp = Arrays.copyOfRange(ethernet, 14, ethernet.length);
    Pcapng file = new Pcapng(ByteOrder.LITTLE_ENDIAN);
    file.sectionHeader();
    file.interfaceBlock(1, 65535, 9); // Ethernet, nanoseconds
    file.interfaceBlock(101, 65535, -1); // raw IP, default microseconds
    file.block(0x0BAD, new byte[12]); // unknown: skipped
    file.enhancedPacket(0, 1_700_000_000_123_456_789L, ethernet);
    file.enhancedPacket(1, 1_700_000_001_000_001L, rawIp);
    file.simplePacket(ethernet);
    file.obsoletePacket(1, 1_700_000_002_000_002L, rawIp);
    // A second section in the other byte order forgets the first section's interfaces.
    file.order(ByteOrder.BIG_ENDIAN);
    file.sectionHeader();
    file.interfaceBlock(113, 65535, 0x80 | 20); // Linux SLL, 2^-20 s
    byte[] sll = new byte[16 + rawIp.length];
    sll[14] = 0x08;
    System.arraycopy(rawIp, 0, sll, 16, rawIp.length);
    file.enhancedPacket(0, (5L << 20) + (1L << 19), sll);
    Path path = Files.write(dir.resolve("mixed.pcapng"), file.bytes());

    List<Frame> frames = read(DirectFileSource.open(path)).frames();
    assertEquals(List.of(
        new Frame(1_700_000_000_123_456_789L, PacketDecoder.DLT_EN10MB, ethernet),
        new Frame(1_700_000_001_000_001_000L, PacketDecoder.DLT_RAW, rawIp),
        new Frame(0, PacketDecoder.DLT_EN10MB, ethernet),
        new Frame(1_700_000_002_000_002_000L, PacketDecoder.DLT_RAW, rawIp),
        new Frame(5_500_000_000L, PacketDecoder.DLT_LINUX_SLL, sll)), frames);
  }

  @Test
  void recordsAcrossWindowsAreReadWhole() throws Exception {
    Path path = dir.resolve("many.pcap");
    List<TcpSession> sessions = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sessions.add(TcpSessionBuilder.between("10.0.0." + (i + 1), 40000 + i, "10.9.9.9", 443)
          .startingAt(Instant.parse("2025-01-01T00:00:00Z").plusMillis(i)).serverName("s" + i + ".example.org")
          .upload(1400, 333).download(1400, 1400, 17).seed(i).build());
    }
    try (SyntheticPcapWriter writer = SyntheticPcapWriter.create(path)) {
      writer.writeInTimeOrder(sessions);
    }
    Reading whole = read(DirectFileSource.open(path));
    Reading windowed = read(DirectFileSource.open(path, 1000)); // far smaller than many records
    assertEquals(read(PcapFileSource.open(path)).frames(), whole.frames());
    assertEquals(whole.frames(), windowed.frames());
  }

  @Test
  void corruptRecordLengthIsReportedNotFollowed() throws Exception {
    ByteBuffer file = ByteBuffer.allocate(24 + 16 + 4).order(ByteOrder.LITTLE_ENDIAN);
    file.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
    file.putInt(1).putInt(2).putInt(0x7fff_0000).putInt(4);
    CaptureException error = assertThrows(CaptureException.class, () -> DirectFileSource.of("bad.pcap", file.flip()).run((t, l, d, o, n) -> {}));
    assertTrue(error.getMessage().startsWith("bad.pcap: corrupt capture after 0 packets (invalid packet capture length"), error.getMessage());
  }

  /** Writes pcapng blocks by hand, so every block type and option is under the test's control. */
  static final class Pcapng {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order;

    Pcapng(ByteOrder order) {
      this.order = order;
    }

    void order(ByteOrder newOrder) {
      order = newOrder;
    }

    void sectionHeader() throws IOException {
      block(0x0A0D0D0A, buffer(16).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).array());
    }

    /** @param tsresol if_tsresol option value, or -1 for none */
    void interfaceBlock(int linkType, int snapLength, int tsresol) throws IOException {
      ByteBuffer body = buffer(tsresol >= 0 ? 8 + 8 + 4 : 8);
      body.putShort((short) linkType).putShort((short) 0).putInt(snapLength);
      if (tsresol >= 0) {
        body.putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3]).putInt(0);
      }
      block(1, body.array());
    }

    void enhancedPacket(int iface, long units, byte[] frame) throws IOException {
      ByteBuffer body = buffer(20 + padded(frame.length));
      body.putInt(iface).putInt((int) (units >>> 32)).putInt((int) units).putInt(frame.length).putInt(frame.length).put(frame);
      block(6, body.array());
    }

    void obsoletePacket(int iface, long units, byte[] frame) throws IOException {
      ByteBuffer body = buffer(20 + padded(frame.length));
      body.putShort((short) iface).putShort((short) 0).putInt((int) (units >>> 32)).putInt((int) units)
          .putInt(frame.length).putInt(frame.length).put(frame);
      block(2, body.array());
    }

    void simplePacket(byte[] frame) throws IOException {
      block(3, buffer(4 + padded(frame.length)).putInt(frame.length).put(frame).array());
    }

    void block(int type, byte[] body) throws IOException {
      int length = 12 + padded(body.length);
      ByteBuffer block = buffer(length);
      block.putInt(type).putInt(length).put(body).position(length - 4);
      block.putInt(length);
      out.write(block.array());
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private ByteBuffer buffer(int size) {
      return ByteBuffer.allocate(size).order(order);
    }

    private static int padded(int length) {
      return (length + 3) & ~3;
    }
  }
}
