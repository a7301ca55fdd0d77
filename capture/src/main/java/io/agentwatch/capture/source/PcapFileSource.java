package io.agentwatch.capture.source;

import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

/** Reads a pcap or pcapng file through libpcap (pcap4j), with nanosecond timestamps. */
public final class PcapFileSource implements PacketSource {

  private final Path path;
  private final String name;
  private final PcapHandle handle;
  private final int linkType;

  private PcapFileSource(Path path, PcapHandle handle) {
    this.path = path;
    this.name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    this.handle = handle;
    this.linkType = handle.getDlt().value();
  }

  /**
   * Opens a capture file.
   *
   * @throws CaptureException if the file is missing, unreadable or not a pcap/pcapng capture
   */
  public static PcapFileSource open(Path path) throws CaptureException {
    return open(path, null);
  }

  /**
   * Opens a capture file and lets libpcap keep only the frames matching a BPF filter.
   *
   * @param filter BPF expression, or null for every frame
   * @throws CaptureException if the file cannot be opened or the filter does not compile
   */
  public static PcapFileSource open(Path path, String filter) throws CaptureException {
    PcapFileSource source = openUnfiltered(path);
    if (filter != null && !filter.isBlank()) {
      try {
        source.handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
      } catch (PcapNativeException | NotOpenException e) {
        source.close();
        throw new CaptureException(path + ": invalid BPF filter '" + filter + "' (" + e.getMessage() + ")", e);
      }
    }
    return source;
  }

  private static PcapFileSource openUnfiltered(Path path) throws CaptureException {
    if (!Files.isRegularFile(path)) {
      throw new CaptureException(path + ": no such capture file", null);
    }
    if (!Files.isReadable(path)) {
      throw new CaptureException(path + ": capture file is not readable", null);
    }
    try {
      return new PcapFileSource(
          path, Pcaps.openOffline(path.toString(), PcapHandle.TimestampPrecision.NANO));
    } catch (PcapNativeException e) {
      throw new CaptureException(path + ": not a readable pcap/pcapng capture (" + e.getMessage() + ")", e);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw new CaptureException(path + ": cannot open with libpcap (" + e + ")", e);
    }
  }

  public Path path() {
    return path;
  }

  @Override
  public String name() {
    return name;
  }

  /** The libpcap DLT value of every frame in this file. */
  public int linkType() {
    return linkType;
  }

  @Override
  public long run(PacketHandler handler) throws CaptureException {
    long delivered = 0;
    while (true) {
      byte[] frame;
      long timestampNanos;
      try {
        frame = handle.getNextRawPacketEx();
        timestampNanos = epochNanos(handle.getTimestamp());
      } catch (EOFException endOfFile) {
        return delivered;
      } catch (PcapNativeException e) {
        throw new CaptureException(describe(e.getMessage(), delivered), delivered, e);
      } catch (TimeoutException | NotOpenException e) {
        throw new CaptureException(name + ": read failed after " + delivered + " packets (" + e + ")", delivered, e);
      } catch (IllegalArgumentException | ArithmeticException e) {
        // pcap4j builds a java.sql.Timestamp and rejects a nanosecond field outside 0..999999999.
        throw new CaptureException(name + ": corrupt record header (invalid timestamp) after " + delivered + " packets", delivered, e);
      }
      handler.onPacket(timestampNanos, linkType, frame, 0, frame.length);
      delivered++;
    }
  }

  /** pcap4j's timestamp (a java.sql.Timestamp) as nanoseconds since the epoch. */
  static long epochNanos(java.sql.Timestamp timestamp) {
    return Math.addExact(Math.multiplyExact(Math.floorDiv(timestamp.getTime(), 1000L), 1_000_000_000L), timestamp.getNanos());
  }

  private String describe(String libpcapMessage, long delivered) {
    String message = libpcapMessage == null ? "" : libpcapMessage;
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("truncated")) {
      return name + ": truncated in the middle of a packet after " + delivered + " packets (" + message + ")";
    }
    return name + ": corrupt capture after " + delivered + " packets (" + message + ")";
  }

  @Override
  public void close() {
    handle.close();
  }
}
