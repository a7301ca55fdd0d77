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
        throw CaptureException.invalidFilter(path, filter, e);
      }
    }
    return source;
  }

  private static PcapFileSource openUnfiltered(Path path) throws CaptureException {
    if (!Files.isRegularFile(path)) {
      throw CaptureException.noSuchFile(path);
    }
    if (!Files.isReadable(path)) {
      throw CaptureException.notReadable(path);
    }
    try {
      return new PcapFileSource(
          path, Pcaps.openOffline(path.toString(), PcapHandle.TimestampPrecision.NANO));
    } catch (PcapNativeException | RuntimeException | LinkageError e) {
      if (Libpcap.isMissing()) {
        throw new CaptureException(path + ": " + Libpcap.NOT_FOUND
            + "; or read it without libpcap (agentwatch flows --read without --filter/--reader libpcap)", e);
      }
      if (e instanceof PcapNativeException) {
        throw CaptureException.notACapture(path, e.getMessage(), e);
      }
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
        throw describe(e, delivered);
      } catch (TimeoutException | NotOpenException e) {
        throw new CaptureException(name + ": read failed after " + delivered + " packets (" + e + ")", delivered, e);
      } catch (IllegalArgumentException | ArithmeticException e) {
        // pcap4j builds a java.sql.Timestamp and rejects a nanosecond field outside 0..999999999.
        throw CaptureException.invalidTimestamp(name, delivered, e);
      }
      handler.onPacket(timestampNanos, linkType, frame, 0, frame.length);
      delivered++;
    }
  }

  /** pcap4j's timestamp (a java.sql.Timestamp) as nanoseconds since the epoch. */
  static long epochNanos(java.sql.Timestamp timestamp) {
    return Math.addExact(Math.multiplyExact(Math.floorDiv(timestamp.getTime(), 1000L), 1_000_000_000L), timestamp.getNanos());
  }

  /** libpcap says "truncated" in its own words; everything else it reports is corruption. */
  private CaptureException describe(PcapNativeException e, long delivered) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    return message.toLowerCase(Locale.ROOT).contains("truncated")
        ? CaptureException.truncated(name, delivered, message, e)
        : CaptureException.corrupt(name, delivered, message, e);
  }

  @Override
  public void close() {
    handle.close();
  }
}
