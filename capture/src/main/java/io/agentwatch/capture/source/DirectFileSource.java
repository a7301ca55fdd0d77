package io.agentwatch.capture.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads classic pcap (microsecond and nanosecond magic, either byte order) and pcapng (several
 * sections, interfaces and link types; EPB, SPB, OPB; other blocks skipped) straight from the file,
 * read in windows of a few hundred kilobytes so files of any size work. About ten times faster than libpcap
 * through pcap4j (see capture/README.md), because a frame costs no JNA call and no array.
 *
 * <p>Each frame is handed over in place, as a slice of the window's array: nothing is allocated or
 * copied per packet, and a handler must not keep the array or read past the slice. Timestamps are nanoseconds since the epoch, computed as libpcap computes
 * them at nanosecond precision, and link types are libpcap DLT values, so the frames, times and
 * link types delivered are the same as {@link PcapFileSource}'s (a test checks every corpus file).
 * A truncated or corrupt file ends with a {@link CaptureException} worded like libpcap's source.
 */
public final class DirectFileSource implements PacketSource {

  /** Largest frame libpcap accepts (MAXIMUM_SNAPLEN); a larger record length means corruption. */
  static final int MAXIMUM_SNAPLEN = 262_144;
  /** Largest pcapng block accepted, as libpcap's limit for its largest snapshot length. */
  static final int MAXIMUM_BLOCK = 16 << 20;
  /** Bytes read at a time; a record never spans two windows (the window is moved to the record). */
  static final long DEFAULT_WINDOW = 256L << 10;

  private static final int PCAP_MAGIC_MICROS = 0xa1b2c3d4;
  private static final int PCAP_MAGIC_NANOS = 0xa1b23c4d;
  private static final int PCAPNG_SECTION_HEADER = 0x0A0D0D0A;
  private static final int PCAPNG_BYTE_ORDER_MAGIC = 0x1A2B3C4D;
  private static final int PCAPNG_INTERFACE = 1;
  private static final int PCAPNG_OBSOLETE_PACKET = 2;
  private static final int PCAPNG_SIMPLE_PACKET = 3;
  private static final int PCAPNG_ENHANCED_PACKET = 6;
  private static final int OPTION_END = 0;
  private static final int OPTION_TSRESOL = 9;
  private static final int OPTION_TSOFFSET = 14;
  private static final int LINKTYPE_RAW = 101;
  private static final int DLT_RAW = 12;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final String name;
  private final Path path;
  private final Window file;
  private long position;
  private long delivered;

  // Classic pcap
  private int pcapLinkType;
  private int pcapSnapshot;
  private LengthOrder pcapLengthsSwapped = LengthOrder.NORMAL;
  private long pcapFractionToNanos;

  // pcapng: per interface of the current section
  private boolean pcapng;
  private int interfaceCount;
  private int[] interfaceLinkType = new int[4];
  private int[] interfaceSnapLength = new int[4];
  private long[] interfaceUnitsPerSecond = new long[4];
  private long[] interfaceOffsetSeconds = new long[4];

  private DirectFileSource(String name, Path path, Window file) {
    this.name = name;
    this.path = path;
    this.file = file;
  }

  /**
   * Opens a capture file and reads its file header.
   *
   * @throws CaptureException if the file is missing, unreadable or not a pcap/pcapng capture
   */
  public static DirectFileSource open(Path path) throws CaptureException {
    return open(path, DEFAULT_WINDOW);
  }

  static DirectFileSource open(Path path, long windowSize) throws CaptureException {
    if (!Files.isRegularFile(path)) {
      throw CaptureException.noSuchFile(path);
    }
    if (!Files.isReadable(path)) {
      throw CaptureException.notReadable(path);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new CaptureException(path + ": cannot open (" + e.getMessage() + ")", e);
    }
    String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    DirectFileSource source = new DirectFileSource(name, path, new Window(channel, windowSize, path));
    try {
      source.readFileHeader(path.toString());
      return source;
    } catch (CaptureException | RuntimeException e) {
      source.close();
      throw e;
    }
  }

  /** Reads a capture held in memory (tests and fuzzing); {@code name} is used in messages. */
  public static DirectFileSource of(String name, ByteBuffer capture) throws CaptureException {
    DirectFileSource source = new DirectFileSource(name, null, new Window(capture));
    source.readFileHeader(name);
    return source;
  }

  public Path path() {
    return path;
  }

  @Override
  public String name() {
    return name;
  }

  /** Where a classic pcap record keeps its captured length (see {@link #readFileHeader}). */
  private enum LengthOrder { NORMAL, SWAPPED, MAYBE_SWAPPED }

  private void readFileHeader(String shownName) throws CaptureException {
    if (!file.ensure(0, 4)) {
      throw CaptureException.notACapture(shownName, "file too short", null);
    }
    int magic = file.buffer().getInt(file.index(0));
    if (magic == PCAPNG_SECTION_HEADER) {
      pcapng = true;
      return; // the section header is read as the first block
    }
    ByteOrder order = orderOfPcapMagic(magic);
    if (order == null) {
      throw CaptureException.notACapture(shownName, "unknown file format", null);
    }
    if (!file.ensure(0, 24)) {
      throw CaptureException.notACapture(shownName, "file header cut short", null);
    }
    file.order(order);
    ByteBuffer header = file.buffer();
    int major = header.getShort(file.index(4)) & 0xffff;
    if (major != 2) {
      throw CaptureException.notACapture(shownName, "unsupported version " + major, null);
    }
    int minor = header.getShort(file.index(6)) & 0xffff;
    // Writers before format 2.3 put the wire length where the captured length belongs; libpcap
    // swaps them back (always before 2.3, when they look swapped in 2.3), and so do we.
    pcapLengthsSwapped = minor < 3 ? LengthOrder.SWAPPED : minor == 3 ? LengthOrder.MAYBE_SWAPPED : LengthOrder.NORMAL;
    boolean nanos = header.getInt(file.index(0)) == PCAP_MAGIC_NANOS;
    pcapFractionToNanos = nanos ? 1 : 1000;
    int snapLength = header.getInt(file.index(16));
    pcapSnapshot = snapLength <= 0 || snapLength > MAXIMUM_SNAPLEN ? MAXIMUM_SNAPLEN : snapLength;
    pcapLinkType = dltOf(header.getInt(file.index(20)) & 0x03ffffff);
    position = 24;
  }

  private static ByteOrder orderOfPcapMagic(int magicAsBigEndian) {
    if (magicAsBigEndian == PCAP_MAGIC_MICROS || magicAsBigEndian == PCAP_MAGIC_NANOS) {
      return ByteOrder.BIG_ENDIAN;
    }
    int swapped = Integer.reverseBytes(magicAsBigEndian);
    if (swapped == PCAP_MAGIC_MICROS || swapped == PCAP_MAGIC_NANOS) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    return null;
  }

  /** libpcap hands out DLT values; the file holds LINKTYPE values. They differ for raw IP. */
  private static int dltOf(int linkType) {
    return linkType == LINKTYPE_RAW ? DLT_RAW : linkType;
  }

  @Override
  public long run(PacketHandler handler) throws CaptureException {
    if (pcapng) {
      while (readPcapngBlock(handler)) {
        // one block per turn
      }
    } else {
      while (readPcapRecord(handler)) {
        // one record per turn
      }
    }
    return delivered;
  }

  private boolean readPcapRecord(PacketHandler handler) throws CaptureException {
    if (!file.ensure(position, 16)) {
      if (file.remaining(position) > 0) {
        throw truncated("tried to read 16 header bytes, only got " + file.remaining(position));
      }
      return false;
    }
    int at = file.index(position);
    long seconds = file.intAt(at) & 0xffffffffL;
    long fraction = (file.intAt(at + 4) & 0xffffffffL) * pcapFractionToNanos;
    int capturedLength = file.intAt(at + 8);
    if (pcapLengthsSwapped != LengthOrder.NORMAL) {
      int wireLength = file.intAt(at + 12);
      if (pcapLengthsSwapped == LengthOrder.SWAPPED || Integer.compareUnsigned(capturedLength, wireLength) > 0) {
        capturedLength = wireLength;
      }
    }
    if (capturedLength < 0 || capturedLength > MAXIMUM_SNAPLEN) {
      throw corrupt("invalid packet capture length " + Integer.toUnsignedString(capturedLength)
          + ", bigger than maximum of " + MAXIMUM_SNAPLEN);
    }
    if (fraction >= NANOS_PER_SECOND) {
      throw invalidTimestamp();
    }
    if (!file.ensure(position + 16, capturedLength)) {
      throw truncated("tried to read " + capturedLength + " captured bytes, only got " + file.remaining(position + 16));
    }
    // libpcap keeps at most the file's snapshot length of a longer record.
    int length = Math.min(capturedLength, pcapSnapshot);
    deliver(handler, seconds * NANOS_PER_SECOND + fraction, pcapLinkType, position + 16, length);
    position += 16L + capturedLength;
    return true;
  }

  private boolean readPcapngBlock(PacketHandler handler) throws CaptureException {
    if (!file.ensure(position, 12)) {
      if (file.remaining(position) > 0) {
        throw truncated("tried to read a block header, only got " + file.remaining(position) + " bytes");
      }
      return false;
    }
    ByteBuffer buffer = file.buffer();
    int type = file.intAt(file.index(position));
    if (type == PCAPNG_SECTION_HEADER) {
      readSectionHeader();
      buffer = file.buffer();
    }
    long blockLength = file.intAt(file.index(position + 4)) & 0xffffffffL;
    if (blockLength < 12 || blockLength % 4 != 0) {
      throw corrupt("block of type " + type + " has invalid length " + blockLength);
    }
    if (blockLength > MAXIMUM_BLOCK) {
      throw corrupt("block of type " + type + " is too large (" + blockLength + " bytes, maximum " + MAXIMUM_BLOCK + ")");
    }
    if (!file.ensure(position, (int) blockLength)) {
      throw truncated("block of " + blockLength + " bytes, only " + file.remaining(position) + " left");
    }
    buffer = file.buffer();
    int start = file.index(position);
    int bodyEnd = start + (int) blockLength - 4;
    if (file.intAt(bodyEnd) != (int) blockLength) {
      throw corrupt("block of type " + type + " has mismatched trailing length");
    }
    switch (type) {
      case PCAPNG_INTERFACE:
        readInterface(buffer, start + 8, bodyEnd);
        break;
      case PCAPNG_ENHANCED_PACKET:
        readPacketBlock(handler, start + 8, bodyEnd, file.intAt(start + 8), 12);
        break;
      case PCAPNG_OBSOLETE_PACKET:
        readPacketBlock(handler, start + 8, bodyEnd, buffer.getShort(start + 8) & 0xffff, 12);
        break;
      case PCAPNG_SIMPLE_PACKET:
        readSimplePacket(handler, start + 8, bodyEnd);
        break;
      default:
        break; // section header (read above), statistics, name resolution, custom...: skipped
    }
    position += blockLength;
    return true;
  }

  /** A section header sets the byte order of everything up to the next one and forgets interfaces. */
  private void readSectionHeader() throws CaptureException {
    if (!file.ensure(position, 12)) {
      throw truncated("section header cut short");
    }
    int magic = file.buffer().getInt(file.index(position + 8));
    if (magic == PCAPNG_BYTE_ORDER_MAGIC) {
      file.order(file.buffer().order());
    } else if (Integer.reverseBytes(magic) == PCAPNG_BYTE_ORDER_MAGIC) {
      file.order(file.buffer().order() == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    } else {
      throw corrupt("section header has an unknown byte-order magic");
    }
    interfaceCount = 0;
  }

  private void readInterface(ByteBuffer buffer, int body, int bodyEnd) throws CaptureException {
    if (bodyEnd - body < 8) {
      throw corrupt("interface description block too short");
    }
    if (interfaceCount == interfaceLinkType.length) {
      int grown = interfaceCount * 2;
      interfaceLinkType = Arrays.copyOf(interfaceLinkType, grown);
      interfaceSnapLength = Arrays.copyOf(interfaceSnapLength, grown);
      interfaceUnitsPerSecond = Arrays.copyOf(interfaceUnitsPerSecond, grown);
      interfaceOffsetSeconds = Arrays.copyOf(interfaceOffsetSeconds, grown);
    }
    int index = interfaceCount++;
    interfaceLinkType[index] = dltOf(buffer.getShort(body) & 0xffff);
    int snapLength = buffer.getInt(body + 4);
    interfaceSnapLength[index] = snapLength <= 0 || snapLength > MAXIMUM_SNAPLEN ? MAXIMUM_SNAPLEN : snapLength;
    interfaceUnitsPerSecond[index] = 1_000_000L;
    interfaceOffsetSeconds[index] = 0;
    int option = body + 8;
    while (option + 4 <= bodyEnd) {
      int code = buffer.getShort(option) & 0xffff;
      int length = buffer.getShort(option + 2) & 0xffff;
      int value = option + 4;
      if (code == OPTION_END) {
        break;
      }
      if (value + length > bodyEnd) {
        throw corrupt("interface option " + code + " runs past its block");
      }
      if (code == OPTION_TSRESOL && length == 1) {
        interfaceUnitsPerSecond[index] = unitsPerSecond(buffer.get(value));
      } else if (code == OPTION_TSOFFSET && length == 8) {
        interfaceOffsetSeconds[index] = buffer.getLong(value);
      }
      option = value + ((length + 3) & ~3);
    }
  }

  private long unitsPerSecond(byte resolution) throws CaptureException {
    int exponent = resolution & 0x7f;
    boolean powerOfTwo = (resolution & 0x80) != 0;
    if (powerOfTwo ? exponent > 62 : exponent > 18) {
      throw corrupt("interface time resolution " + (powerOfTwo ? "2^-" : "10^-") + exponent + " is not supported");
    }
    if (powerOfTwo) {
      return 1L << exponent;
    }
    long units = 1;
    for (int i = 0; i < exponent; i++) {
      units *= 10;
    }
    return units;
  }

  /** EPB and OPB: interface, 64-bit timestamp, captured and original length, then the frame. */
  private void readPacketBlock(PacketHandler handler, int body, int bodyEnd, int interfaceId, int headerFields)
      throws CaptureException {
    if (bodyEnd - body < headerFields + 8) {
      throw corrupt("packet block too short");
    }
    int iface = requireInterface(interfaceId);
    long units = ((file.intAt(body + 4) & 0xffffffffL) << 32) | (file.intAt(body + 8) & 0xffffffffL);
    int capturedLength = file.intAt(body + 12);
    int data = body + headerFields + 8;
    if (capturedLength < 0 || capturedLength > bodyEnd - data) {
      throw corrupt("packet block's captured length " + Integer.toUnsignedString(capturedLength) + " exceeds its block");
    }
    int length = Math.min(capturedLength, interfaceSnapLength[iface]);
    deliver(handler, nanos(iface, units), interfaceLinkType[iface], position + (data - file.index(position)), length);
  }

  /** SPB: no interface id (always the first) and no timestamp (libpcap reports 0). */
  private void readSimplePacket(PacketHandler handler, int body, int bodyEnd) throws CaptureException {
    if (bodyEnd - body < 4) {
      throw corrupt("simple packet block too short");
    }
    int iface = requireInterface(0);
    long originalLength = file.intAt(body) & 0xffffffffL;
    int length = (int) Math.min(Math.min(originalLength, interfaceSnapLength[iface]), bodyEnd - body - 4);
    deliver(handler, 0, interfaceLinkType[iface], position + (body + 4 - file.index(position)), length);
  }

  private int requireInterface(int interfaceId) throws CaptureException {
    if (interfaceId < 0 || interfaceId >= interfaceCount) {
      throw corrupt("packet for interface " + Integer.toUnsignedString(interfaceId) + ", but the section describes "
          + interfaceCount);
    }
    return interfaceId;
  }

  private long nanos(int iface, long units) throws CaptureException {
    long perSecond = interfaceUnitsPerSecond[iface];
    long seconds = Long.divideUnsigned(units, perSecond) + interfaceOffsetSeconds[iface];
    long fraction = Long.remainderUnsigned(units, perSecond);
    long fractionNanos;
    if (perSecond == NANOS_PER_SECOND) {
      fractionNanos = fraction;
    } else if (perSecond < NANOS_PER_SECOND && NANOS_PER_SECOND % perSecond == 0) {
      fractionNanos = fraction * (NANOS_PER_SECOND / perSecond);
    } else if (perSecond > NANOS_PER_SECOND && perSecond % NANOS_PER_SECOND == 0) {
      fractionNanos = fraction / (perSecond / NANOS_PER_SECOND);
    } else {
      fractionNanos = Math.multiplyHigh(fraction, NANOS_PER_SECOND) == 0 && fraction * NANOS_PER_SECOND >= 0
          ? fraction * NANOS_PER_SECOND / perSecond
          : (long) ((double) fraction * NANOS_PER_SECOND / perSecond);
    }
    if (seconds < 0 || seconds > Long.MAX_VALUE / NANOS_PER_SECOND - 1) {
      throw invalidTimestamp();
    }
    return seconds * NANOS_PER_SECOND + fractionNanos;
  }

  private void deliver(PacketHandler handler, long timestampNanos, int linkType, long fileOffset, int length) {
    handler.onPacket(timestampNanos, linkType, file.array(), file.index(fileOffset), length);
    delivered++;
  }

  private CaptureException truncated(String detail) {
    return CaptureException.truncated(name, delivered, detail, null);
  }

  private CaptureException corrupt(String detail) {
    return CaptureException.corrupt(name, delivered, detail, null);
  }

  private CaptureException invalidTimestamp() {
    return CaptureException.invalidTimestamp(name, delivered, null);
  }

  @Override
  public void close() {
    file.close();
  }

  /**
   * The part of the file read now, held in a reused heap array: {@link #index} turns a file position
   * into an index of {@link #array()} and {@link #buffer()}. Reading the file a few hundred kilobytes
   * at a time and handing frames over in place costs one bulk copy per window; mapping the file
   * instead cost a page fault every few pages plus a copy per frame.
   *
   * <p>The window is read on the packet loop's own thread, small enough to stay in that core's
   * cache until its frames are decoded. Reading 4 MB chunks on a background thread instead was
   * measured slower in wall time and used 15 % more CPU: the loop then missed the cache at the
   * header of nearly every frame, and the two threads competed for the second core with the JIT
   * and the output writer (BENCHMARKS.md, Sensor). A record that runs past the window's end is
   * read again from its start with the next window.
   */
  private static final class Window {
    private final FileChannel channel;
    private final int windowSize;
    private final long fileSize;
    private final Path path;
    private byte[] array;
    private ByteBuffer buffer;
    /** File position of array index 0; the window holds file bytes [base, end). */
    private long base;
    private long end;
    private ByteOrder order = ByteOrder.BIG_ENDIAN;

    Window(FileChannel channel, long windowSize, Path path) throws CaptureException {
      this.channel = channel;
      this.windowSize = (int) Math.max(64, Math.min(windowSize, MAXIMUM_BLOCK));
      this.path = path;
      try {
        this.fileSize = channel.size();
      } catch (IOException e) {
        throw new CaptureException(path + ": cannot read (" + e.getMessage() + ")", e);
      }
      this.array = new byte[0];
      this.buffer = ByteBuffer.wrap(array);
    }

    Window(ByteBuffer whole) {
      this.channel = null;
      this.windowSize = whole.remaining();
      this.path = null;
      this.fileSize = whole.remaining();
      this.array = new byte[whole.remaining()];
      whole.duplicate().get(array);
      this.buffer = ByteBuffer.wrap(array);
      this.end = fileSize;
    }

    /** Makes {@code length} bytes from file position {@code from} available; false if the file ends first. */
    boolean ensure(long from, int length) throws CaptureException {
      if (from + length > fileSize) {
        return false;
      }
      if (from < base || from + length > end) {
        readAt(from, length);
      }
      return true;
    }

    /** Reads the window that starts at {@code from} and holds at least {@code length} bytes. */
    private void readAt(long from, int length) throws CaptureException {
      int size = (int) Math.min(Math.max(windowSize, length), fileSize - from);
      if (array.length < size) {
        array = new byte[size];
        buffer = ByteBuffer.wrap(array).order(order);
      }
      ByteBuffer target = ByteBuffer.wrap(array, 0, size);
      try {
        while (target.hasRemaining()) {
          if (channel.read(target, from + target.position()) < 0) {
            throw new CaptureException(path + ": the file ended at " + (from + target.position())
                + " bytes while being read (was it truncated?)", null);
          }
        }
      } catch (IOException e) {
        throw new CaptureException(path + ": cannot read bytes " + from + ".." + (from + size) + " (" + e.getMessage() + ")", e);
      }
      base = from;
      end = from + size;
    }

    long remaining(long from) {
      return Math.max(0, fileSize - from);
    }

    /** The index in {@link #array()} and {@link #buffer()} of a file position inside the window. */
    int index(long filePosition) {
      return (int) (filePosition - base);
    }

    ByteBuffer buffer() {
      return buffer;
    }

    /**
     * {@code buffer().getInt(index)}, assembled from the bytes: the packet loop runs on the C1
     * compiler only (see the launcher), which leaves ByteBuffer's byte-order conversion as a call
     * per value, a tenth of the time to read a file.
     */
    int intAt(int index) {
      byte[] a = array;
      int b0 = a[index] & 0xff;
      int b1 = a[index + 1] & 0xff;
      int b2 = a[index + 2] & 0xff;
      int b3 = a[index + 3] & 0xff;
      return order == ByteOrder.LITTLE_ENDIAN
          ? b0 | b1 << 8 | b2 << 16 | b3 << 24
          : b0 << 24 | b1 << 16 | b2 << 8 | b3;
    }

    /** The array behind {@link #buffer()}. */
    byte[] array() {
      return array;
    }

    void order(ByteOrder newOrder) {
      order = newOrder;
      buffer.order(newOrder);
    }

    void close() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          // nothing was written; closing a read-only channel cannot lose data
        }
      }
    }
  }
}
