package io.agentwatch.capture.synth;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Writes a classic pcap file: little-endian, microsecond timestamps, Ethernet link type. */
public final class SyntheticPcapWriter implements Closeable {

  private static final int MAGIC_MICROS = 0xa1b2c3d4;
  private static final int SNAP_LENGTH = 262144;
  private static final int LINKTYPE_ETHERNET = 1;

  private final OutputStream out;
  private final ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
  private long packetsWritten;

  public SyntheticPcapWriter(OutputStream out) throws IOException {
    this.out = new BufferedOutputStream(out);
    header.putInt(MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
        .putInt(SNAP_LENGTH).putInt(LINKTYPE_ETHERNET);
    this.out.write(header.array(), 0, 24);
  }

  public static SyntheticPcapWriter create(Path path) throws IOException {
    return new SyntheticPcapWriter(Files.newOutputStream(path));
  }

  /** Writes one frame; the time is cut to microseconds. */
  public void write(Instant time, byte[] frame) throws IOException {
    header.clear();
    header.putInt((int) time.getEpochSecond()).putInt(time.getNano() / 1000).putInt(frame.length).putInt(frame.length);
    out.write(header.array(), 0, 16);
    out.write(frame);
    packetsWritten++;
  }

  public void write(SyntheticPacket packet) throws IOException {
    write(packet.time(), packet.frame());
  }

  /** Writes the packets of several sessions interleaved in time order, as a capture would show them. */
  public void writeInTimeOrder(List<TcpSession> sessions) throws IOException {
    List<SyntheticPacket> all = new ArrayList<>();
    for (TcpSession session : sessions) {
      all.addAll(session.packets());
    }
    all.sort(Comparator.comparing(SyntheticPacket::time)); // stable: a session keeps its own order
    for (SyntheticPacket packet : all) {
      write(packet);
    }
  }

  public long packetsWritten() {
    return packetsWritten;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
