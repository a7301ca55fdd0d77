package io.agentwatch.capture.source;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.lang.reflect.Field;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.pcap4j.core.PcapHandle;

/**
 * Reads the next packet of an open pcap4j handle with libpcap's {@code pcap_next_ex}, into one
 * reused array. pcap4j's own {@code getNextRawPacketEx} allocates two native {@code Memory} blocks,
 * a byte array and a timestamp object for every packet; at 100 000 packets/s that garbage (and
 * JNA's bookkeeping of it) was over half of the capture thread's time and made libpcap drop
 * packets (BENCHMARKS.md, Sensor, live capture).
 *
 * <p>pcap4j keeps the {@code pcap_t} pointer and the lock that guards it against a concurrent
 * close private, so they are read once by reflection; a read holds the same lock as pcap4j's own
 * reads, so closing the handle from another thread stays safe. pcap4j is pinned in the build,
 * and a test reads live packets through this class.
 */
final class PcapNextReader {

  /** What {@link #next} found. */
  enum Result { PACKET, TIMEOUT, END }

  static {
    // The library pcap4j itself binds (the same system property and default name).
    Native.register(PcapNextReader.class,
        NativeLibrary.getInstance(System.getProperty("org.pcap4j.core.pcapLibName", "pcap")));
  }

  private static native int pcap_next_ex(Pointer pcap, PointerByReference header, PointerByReference data);

  private static native Pointer pcap_geterr(Pointer pcap);

  // struct pcap_pkthdr { struct timeval ts; bpf_u_int32 caplen; bpf_u_int32 len; }
  private static final int CAPLEN_OFFSET = 2 * NativeLong.SIZE;

  private final PcapHandle handle;
  private final Pointer pcap;
  private final Lock readLock;
  private final long fractionToNanos;
  private final PointerByReference header = new PointerByReference();
  private final PointerByReference data = new PointerByReference();
  private final byte[] frame;
  private int length;
  private long timestampNanos;

  private PcapNextReader(PcapHandle handle, Pointer pcap, Lock readLock, int snapLength) {
    this.handle = handle;
    this.pcap = pcap;
    this.readLock = readLock;
    this.fractionToNanos = handle.getTimestampPrecision() == PcapHandle.TimestampPrecision.NANO ? 1 : 1000;
    this.frame = new byte[snapLength];
  }

  /**
   * A reader for {@code handle}.
   *
   * @throws IllegalStateException if this pcap4j does not have the expected private fields
   */
  static PcapNextReader of(PcapHandle handle, int snapLength) {
    try {
      Field pointer = PcapHandle.class.getDeclaredField("handle");
      Field lock = PcapHandle.class.getDeclaredField("handleLock");
      pointer.setAccessible(true);
      lock.setAccessible(true);
      return new PcapNextReader(handle, (Pointer) pointer.get(handle),
          ((ReentrantReadWriteLock) lock.get(handle)).readLock(), snapLength);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("this pcap4j version does not expose the pcap_t pointer as expected: " + e, e);
    }
  }

  /**
   * Waits for the next packet (at most the handle's read timeout, unless in immediate mode).
   *
   * @return PACKET (then {@link #frame()}, {@link #length()} and {@link #timestampNanos()} hold it),
   *     TIMEOUT, or END when the handle was closed or broken out of
   * @throws CaptureFailure with libpcap's message if the read failed
   */
  Result next() throws CaptureFailure {
    if (!handle.isOpen() || !readLock.tryLock()) {
      return Result.END;
    }
    try {
      if (!handle.isOpen()) {
        return Result.END;
      }
      int status = pcap_next_ex(pcap, header, data);
      if (status == 0) {
        return Result.TIMEOUT;
      }
      if (status == -2) { // PCAP_ERROR_BREAK: pcap_breakloop
        return Result.END;
      }
      if (status < 0) {
        throw new CaptureFailure(pcap_geterr(pcap).getString(0));
      }
      Pointer packetHeader = header.getValue();
      long seconds = packetHeader.getNativeLong(0).longValue();
      long fraction = packetHeader.getNativeLong(NativeLong.SIZE).longValue();
      timestampNanos = seconds * 1_000_000_000L + fraction * fractionToNanos;
      length = Math.min(packetHeader.getInt(CAPLEN_OFFSET), frame.length);
      data.getValue().read(0, frame, 0, length);
      return Result.PACKET;
    } finally {
      readLock.unlock();
    }
  }

  byte[] frame() {
    return frame;
  }

  int length() {
    return length;
  }

  long timestampNanos() {
    return timestampNanos;
  }

  /** libpcap reported an error while reading. */
  static final class CaptureFailure extends Exception {
    CaptureFailure(String message) {
      super(message);
    }
  }
}
