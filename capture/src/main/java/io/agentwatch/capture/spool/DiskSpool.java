package io.agentwatch.capture.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, ordered, on-disk queue of encoded flow records between the sensor and Kafka: a
 * write-ahead spool. Every record is appended here first and a sender reads it back in order, so
 * the sensor never waits for the broker, and a broker outage (or a sensor restart during one)
 * delays records instead of losing them.
 *
 * <p>Files: numbered segment files ({@code 00000000000000000001.seg}) of entries {@code [int body
 * length][int CRC-32C of body][long sequence][long appended millis][int key length][key][value]},
 * and {@code spool.state}, the position up to which everything is acknowledged. At open, segments
 * are scanned and a torn last entry (a crash mid-write) is cut off.
 *
 * <p>Bounded: when the records not yet handed to the sender take more than {@code maxBytes}, the
 * oldest of them are dropped — the rest of the oldest segment at a time, so the limit holds within
 * one segment — counted, and logged with their sequence numbers. Records already handed to the
 * sender are never dropped: they are the producer's, and will arrive.
 *
 * <p>Delivery: {@link #next} hands out entries in order; {@link #acknowledge} may come in any
 * order (Kafka acknowledges partitions independently); the spool only forgets a record once it and
 * everything before it are acknowledged. {@link #rewind} hands the unacknowledged ones out again
 * (after a producer failure). Records are therefore delivered at least once; duplicates can only
 * follow a producer failure or a crash, never a plain broker outage (the idempotent producer
 * retries those itself).
 *
 * <p>Thread-safe: one writer (the sensor), one sender, acknowledgements from any thread.
 */
public final class DiskSpool implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DiskSpool.class);

  static final int ENTRY_HEADER = Integer.BYTES + Integer.BYTES;
  static final int BODY_FIXED = Long.BYTES + Long.BYTES + Integer.BYTES;
  /** A flow record is a few hundred bytes; anything near this is a bug, not a record. */
  public static final int MAX_ENTRY_BYTES = 64 * 1024;

  private static final String SEGMENT_SUFFIX = ".seg";
  private static final String STATE_FILE = "spool.state";
  private static final int IO_BUFFER_BYTES = 256 * 1024;

  private final Path directory;
  private final long maxBytes;
  private final long segmentBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private final CRC32C crc = new CRC32C();
  private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(IO_BUFFER_BYTES);
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(IO_BUFFER_BYTES);

  /** Oldest first; the last one is written to. */
  private final List<Segment> segments = new ArrayList<>();
  private final ArrayDeque<Ticket> inFlight = new ArrayDeque<>();

  private Segment readSegment;
  private long readOffset;
  private int readIndex;
  /** Which bytes of {@link #readSegment} {@link #readBuffer} holds: [readBufferStart, +limit). */
  private long readBufferStart = -1;
  private Segment readBufferSegment;

  /** Bumped by {@link #rewind}: acknowledgements of records handed out before it are stale. */
  private int generation;
  private long totalBytes;
  private long appended;
  private long recovered;
  private long acknowledged;
  private long dropped;
  private long pending;
  private long lastSequence;
  private boolean unsynced;
  private boolean stateChanged;
  private boolean closed;

  private DiskSpool(Path directory, long maxBytes, long segmentBytes) {
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
  }

  /**
   * Opens (or creates) the spool in {@code directory}, recovering what a previous run left.
   *
   * @param maxBytes how many bytes of unsent records to keep before dropping the oldest; at least 64 KiB
   * @param segmentBytes size of one spool file; lowered to a quarter of {@code maxBytes} so a drop
   *     never takes more than a quarter of the spool
   * @throws UncheckedIOException when the directory cannot be created, read or written
   */
  public static DiskSpool open(Path directory, long maxBytes, long segmentBytes) {
    if (maxBytes < 64 * 1024) {
      throw new IllegalArgumentException("spool: max size must be at least 64 KiB, was " + maxBytes + " bytes");
    }
    long segment = Math.max(16 * 1024, Math.min(segmentBytes, maxBytes / 4));
    DiskSpool spool = new DiskSpool(directory, maxBytes, segment);
    spool.recover();
    return spool;
  }

  /** Appends one record; never blocks on the sender. Drops the oldest unsent records when full. */
  public void append(long sequence, byte[] key, byte[] value) {
    int bodyLength = BODY_FIXED + key.length + value.length;
    int entryLength = ENTRY_HEADER + bodyLength;
    if (entryLength > MAX_ENTRY_BYTES) {
      throw new IllegalArgumentException("spool: a record of " + entryLength + " bytes is larger than "
          + MAX_ENTRY_BYTES + " bytes");
    }
    lock.lock();
    try {
      ensureOpen();
      Segment segment = writeSegment();
      if (segment.records > 0 && segment.size + entryLength > segmentBytes) {
        segment = roll();
      }
      if (writeBuffer.remaining() < entryLength) {
        flushWrites();
      }
      int start = writeBuffer.position();
      writeBuffer.putInt(bodyLength).putInt(0);
      long now = System.currentTimeMillis();
      writeBuffer.putLong(sequence).putLong(now).putInt(key.length).put(key).put(value);
      ByteBuffer body = writeBuffer.duplicate();
      body.position(start + ENTRY_HEADER).limit(writeBuffer.position());
      crc.reset();
      crc.update(body);
      writeBuffer.putInt(start + Integer.BYTES, (int) crc.getValue());
      segment.add(entryLength, sequence);
      totalBytes += entryLength;
      appended++;
      pending++;
      stateChanged = true;
      lastSequence = Math.max(lastSequence, sequence);
      enforceLimit();
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next record not yet handed out, waiting up to {@code timeout} for one; null if none came.
   * The record stays pending until {@link #acknowledge}d.
   */
  public SpoolEntry next(long timeout, TimeUnit unit) throws InterruptedException {
    long remaining = unit.toNanos(timeout);
    lock.lock();
    try {
      while (true) {
        ensureOpen();
        SpoolEntry entry = readNext();
        if (entry != null || remaining <= 0) {
          return entry;
        }
        remaining = readable.awaitNanos(remaining);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The broker has this record; safe to call from a producer callback thread. */
  public void acknowledge(SpoolEntry entry) {
    lock.lock();
    try {
      Ticket ticket = entry.ticket();
      if (ticket.acknowledged || ticket.generation != generation) {
        return; // a duplicate callback, or a record already handed out again after a rewind
      }
      ticket.acknowledged = true;
      ticket.segment.unacknowledged--;
      acknowledged++;
      stateChanged = true;
      pending--;
      while (!inFlight.isEmpty() && inFlight.peekFirst().acknowledged) {
        inFlight.removeFirst();
      }
      deleteAcknowledgedSegments();
      if (pending == 0) {
        readable.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Hands every unacknowledged record out again, in order (after the sender lost its producer). */
  public void rewind() {
    lock.lock();
    try {
      Ticket oldest = inFlight.peekFirst();
      if (oldest != null) {
        readSegment = oldest.segment;
        readOffset = oldest.offset;
        readIndex = oldest.index;
      }
      for (Ticket ticket : inFlight) {
        if (!ticket.acknowledged) {
          ticket.segment.unacknowledged--;
        }
      }
      inFlight.clear();
      generation++;
      stateChanged = true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every pending record is acknowledged (or dropped).
   *
   * @return whether the spool drained within the timeout
   */
  public boolean awaitDrained(long timeout, TimeUnit unit) throws InterruptedException {
    long remaining = unit.toNanos(timeout);
    lock.lock();
    try {
      while (pending > 0) {
        if (remaining <= 0) {
          return false;
        }
        remaining = readable.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Makes appended records durable and records the acknowledged position; call about once a second. */
  public void sync() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      flushWrites();
      if (unsynced) {
        writeSegment().channel.force(false);
        unsynced = false;
      }
      if (stateChanged) {
        saveState(); // an idle sensor writes nothing
        stateChanged = false;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("spool " + directory + ": cannot sync: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  public SpoolStats stats() {
    lock.lock();
    try {
      return new SpoolStats(appended, recovered, acknowledged, dropped, pending, inFlight.size(), totalBytes,
          oldestPendingMillis(), lastSequence);
    } finally {
      lock.unlock();
    }
  }

  /** Records handed out by {@link #next} and not yet acknowledged (cleared by {@link #rewind}). */
  public int inFlight() {
    lock.lock();
    try {
      return inFlight.size();
    } finally {
      lock.unlock();
    }
  }

  /** The highest sequence number appended so far, in this run or an earlier one. */
  public long lastSequence() {
    lock.lock();
    try {
      return lastSequence;
    } finally {
      lock.unlock();
    }
  }

  public Path directory() {
    return directory;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      sync();
      closed = true;
      for (Segment segment : segments) {
        segment.close();
      }
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---- reading

  private SpoolEntry readNext() {
    while (true) {
      if (readIndex >= readSegment.readableRecords()) {
        if (readSegment == writeSegment()) {
          return null;
        }
        readSegment = segments.get(segments.indexOf(readSegment) + 1);
        readOffset = 0;
        readIndex = 0;
        continue;
      }
      if (readSegment == writeSegment() && readOffset >= readSegment.size - writeBuffer.position()) {
        flushWrites();
      }
      ByteBuffer entry = entryAt(readSegment, readOffset);
      int bodyLength = entry.getInt();
      int storedCrc = entry.getInt();
      crc.reset();
      crc.update(entry.duplicate().limit(entry.position() + bodyLength));
      if ((int) crc.getValue() != storedCrc) {
        // Only a disk fault gets here (recovery checked every entry): skip what cannot be trusted.
        int lost = readSegment.readableRecords() - readIndex;
        LOG.error("spool {}: entry {} of {} is corrupt; skipping its last {} records",
            directory, readIndex, readSegment.path.getFileName(), lost);
        readSegment.readLimit = readIndex;
        dropped += lost;
        pending -= lost;
        continue;
      }
      long sequence = entry.getLong();
      long appendedMillis = entry.getLong();
      byte[] key = new byte[entry.getInt()];
      entry.get(key);
      byte[] value = new byte[bodyLength - BODY_FIXED - key.length];
      entry.get(value);
      Ticket ticket = new Ticket(readSegment, readOffset, readIndex, appendedMillis, generation);
      inFlight.addLast(ticket);
      readSegment.unacknowledged++;
      readOffset += ENTRY_HEADER + bodyLength;
      readIndex++;
      return new SpoolEntry(sequence, appendedMillis, key, value, ticket);
    }
  }

  /** A buffer positioned at the entry starting at {@code offset}, holding all of it. */
  private ByteBuffer entryAt(Segment segment, long offset) {
    try {
      if (!buffered(segment, offset, ENTRY_HEADER)
          || !buffered(segment, offset, ENTRY_HEADER + readBuffer.getInt((int) (offset - readBufferStart)))) {
        fill(segment, offset);
      }
      ByteBuffer view = readBuffer.duplicate();
      view.position((int) (offset - readBufferStart));
      return view;
    } catch (IOException e) {
      throw new UncheckedIOException("spool " + directory + ": cannot read " + segment.path + ": " + e.getMessage(), e);
    }
  }

  private boolean buffered(Segment segment, long offset, int length) {
    return readBufferSegment == segment && offset >= readBufferStart
        && offset + length <= readBufferStart + readBuffer.limit();
  }

  private void fill(Segment segment, long offset) throws IOException {
    readBuffer.clear();
    long position = offset;
    while (readBuffer.hasRemaining()) {
      int n = segment.channel.read(readBuffer, position);
      if (n <= 0) {
        break;
      }
      position += n;
    }
    readBuffer.flip();
    readBufferSegment = segment;
    readBufferStart = offset;
  }

  // ---- writing

  private Segment writeSegment() {
    return segments.get(segments.size() - 1);
  }

  private Segment roll() {
    flushWrites();
    Segment previous = writeSegment();
    try {
      previous.channel.force(false);
      Segment next = Segment.create(directory, previous.id + 1);
      segments.add(next);
      unsynced = false;
      return next;
    } catch (IOException e) {
      throw new UncheckedIOException("spool " + directory + ": cannot start a new segment: " + e.getMessage(), e);
    }
  }

  private void flushWrites() {
    if (writeBuffer.position() == 0) {
      return;
    }
    Segment segment = writeSegment();
    writeBuffer.flip();
    try {
      long position = segment.size - writeBuffer.remaining();
      while (writeBuffer.hasRemaining()) {
        position += segment.channel.write(writeBuffer, position);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("spool " + directory + ": cannot write " + segment.path + ": " + e.getMessage(), e);
    } finally {
      writeBuffer.clear();
    }
    if (readBufferSegment == segment) {
      readBufferSegment = null; // it may hold the file's old end
    }
    unsynced = true;
  }

  /** Drops the rest of the oldest segment with unsent records while those take more than the limit. */
  private void enforceLimit() {
    if (totalBytes <= maxBytes) {
      return;
    }
    while (unsentBytes() > maxBytes) {
      if (readSegment == writeSegment()) {
        roll();
      }
      Segment oldest = readSegment;
      int lost = oldest.readableRecords() - readIndex;
      if (lost > 0) {
        long firstLost = oldest.lastSequence - lost + 1;
        dropped += lost;
        pending -= lost;
        LOG.warn("spool full ({} bytes of unsent records, limit {}): dropped the {} oldest unsent flow records, "
                + "sequences {}..{}; {} dropped since start",
            unsentBytes(), maxBytes, lost, firstLost, oldest.lastSequence, dropped);
      }
      oldest.readLimit = readIndex;
      readSegment = segments.get(segments.indexOf(oldest) + 1);
      readOffset = 0;
      readIndex = 0;
      deleteAcknowledgedSegments();
    }
  }

  private long unsentBytes() {
    long bytes = 0;
    for (int i = segments.indexOf(readSegment); i < segments.size(); i++) {
      bytes += segments.get(i).size;
    }
    return bytes;
  }

  /**
   * Segments before the read position that hold no unacknowledged record go (dropped ones
   * included); the write segment always stays.
   */
  private void deleteAcknowledgedSegments() {
    for (int i = 0; i < segments.size() && segments.get(i) != readSegment; ) {
      Segment segment = segments.get(i);
      if (segment.unacknowledged > 0 || segment == writeSegment()) {
        i++;
        continue;
      }
      segments.remove(i);
      totalBytes -= segment.size;
      segment.close();
      try {
        Files.deleteIfExists(segment.path);
      } catch (IOException e) {
        LOG.warn("spool {}: cannot delete {}: {}", directory, segment.path, e.getMessage());
      }
    }
  }

  private long oldestPendingMillis() {
    if (!inFlight.isEmpty()) {
      return inFlight.peekFirst().appendedMillis;
    }
    if (pending == 0 || readIndex >= readSegment.readableRecords()) {
      return 0;
    }
    if (readSegment == writeSegment() && readOffset >= readSegment.size - writeBuffer.position()) {
      flushWrites();
    }
    ByteBuffer entry = entryAt(readSegment, readOffset);
    return entry.getLong(entry.position() + ENTRY_HEADER + Long.BYTES);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("spool " + directory + " is closed");
    }
  }

  // ---- state and recovery

  private void saveState() throws IOException {
    Segment segment = inFlight.isEmpty() ? readSegment : inFlight.peekFirst().segment;
    long offset = inFlight.isEmpty() ? readOffset : inFlight.peekFirst().offset;
    int index = inFlight.isEmpty() ? readIndex : inFlight.peekFirst().index;
    Properties state = new Properties();
    state.setProperty("segment", Long.toString(segment.id));
    state.setProperty("offset", Long.toString(offset));
    state.setProperty("index", Integer.toString(index));
    state.setProperty("last-sequence", Long.toString(lastSequence));
    Path temporary = directory.resolve(STATE_FILE + ".tmp");
    try (var out = Files.newOutputStream(temporary)) {
      state.store(out, "AgentWatch spool: everything before segment/offset is delivered");
    }
    Files.move(temporary, directory.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  private void recover() {
    try {
      Files.createDirectories(directory);
      Properties state = new Properties();
      Path stateFile = directory.resolve(STATE_FILE);
      if (Files.exists(stateFile)) {
        try (var in = Files.newInputStream(stateFile)) {
          state.load(in);
        }
      }
      long stateSegment = Long.parseLong(state.getProperty("segment", "0"));
      long stateOffset = Long.parseLong(state.getProperty("offset", "0"));
      lastSequence = Long.parseLong(state.getProperty("last-sequence", "0"));
      List<Path> files;
      try (Stream<Path> listing = Files.list(directory)) {
        files = listing.filter(p -> p.getFileName().toString().endsWith(SEGMENT_SUFFIX)).sorted().toList();
      }
      for (Path file : files) {
        long id = Segment.idOf(file);
        if (id < stateSegment) {
          Files.delete(file);
          continue;
        }
        Segment segment = Segment.open(file, id);
        scan(segment, file == files.get(files.size() - 1));
        segments.add(segment);
      }
      long nextId = segments.isEmpty() ? Math.max(1, stateSegment) : segments.get(segments.size() - 1).id + 1;
      segments.add(Segment.create(directory, nextId));
      readSegment = segments.get(0);
      if (readSegment.id == stateSegment && stateOffset > 0) {
        skipTo(stateOffset);
      }
      for (int i = segments.indexOf(readSegment); i < segments.size(); i++) {
        recovered += segments.get(i).records;
        lastSequence = Math.max(lastSequence, segments.get(i).lastSequence);
      }
      recovered -= readIndex;
      pending = recovered;
      if (recovered > 0) {
        LOG.info("spool {}: {} undelivered flow records from an earlier run will be sent first", directory, recovered);
      }
    } catch (IOException | RuntimeException e) {
      throw new UncheckedIOException("spool " + directory + ": cannot open: " + e.getMessage(),
          e instanceof IOException io ? io : new IOException(e));
    }
  }

  /** Counts the entries of a recovered segment, checking each; cuts a torn or corrupt tail. */
  private void scan(Segment segment, boolean newest) throws IOException {
    long fileSize = segment.channel.size();
    long offset = 0;
    while (offset < fileSize) {
      ByteBuffer header = ByteBuffer.allocate(ENTRY_HEADER);
      segment.channel.read(header, offset);
      header.flip();
      int bodyLength = header.remaining() == ENTRY_HEADER ? header.getInt() : -1;
      if (bodyLength < BODY_FIXED || bodyLength > MAX_ENTRY_BYTES || offset + ENTRY_HEADER + bodyLength > fileSize) {
        break;
      }
      ByteBuffer body = ByteBuffer.allocate(bodyLength);
      segment.channel.read(body, offset + ENTRY_HEADER);
      body.flip();
      crc.reset();
      crc.update(body.duplicate());
      if ((int) crc.getValue() != header.getInt()) {
        break;
      }
      segment.add(ENTRY_HEADER + bodyLength, body.getLong());
      offset += ENTRY_HEADER + bodyLength;
    }
    if (offset < fileSize) {
      LOG.warn("spool {}: {} ends with {} unreadable bytes ({}); cut off",
          directory, segment.path.getFileName(), fileSize - offset,
          newest ? "a write cut short by a crash" : "corrupt data; records in them are lost");
      segment.channel.truncate(offset);
    }
    segment.size = offset;
    totalBytes += offset;
  }

  private void skipTo(long offset) {
    while (readOffset < offset && readIndex < readSegment.records) {
      ByteBuffer entry = entryAt(readSegment, readOffset);
      readOffset += ENTRY_HEADER + entry.getInt();
      readIndex++;
    }
  }

  /** Where a handed-out record sits, so acknowledgements and rewinds can find it. */
  public static final class Ticket {
    private final Segment segment;
    private final long offset;
    private final int index;
    private final long appendedMillis;
    private final int generation;
    private boolean acknowledged;

    private Ticket(Segment segment, long offset, int index, long appendedMillis, int generation) {
      this.segment = segment;
      this.offset = offset;
      this.index = index;
      this.appendedMillis = appendedMillis;
      this.generation = generation;
    }
  }

  private static final class Segment {
    final long id;
    final Path path;
    final FileChannel channel;
    long size;
    int records;
    long lastSequence;
    /** Records handed out and not yet acknowledged. */
    int unacknowledged;
    /** Records at and after this index were dropped; -1 when none were. */
    int readLimit = -1;

    private Segment(long id, Path path, FileChannel channel) {
      this.id = id;
      this.path = path;
      this.channel = channel;
    }

    static Segment create(Path directory, long id) throws IOException {
      Path path = directory.resolve(String.format("%020d%s", id, SEGMENT_SUFFIX));
      return new Segment(id, path, FileChannel.open(path, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    static Segment open(Path path, long id) throws IOException {
      return new Segment(id, path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    static long idOf(Path path) {
      String name = path.getFileName().toString();
      try {
        return Long.parseLong(name.substring(0, name.length() - SEGMENT_SUFFIX.length()));
      } catch (NumberFormatException e) {
        throw new IllegalStateException("unexpected file " + name + " in the spool directory", e);
      }
    }

    void add(int entryBytes, long sequence) {
      size += entryBytes;
      records++;
      lastSequence = sequence;
    }

    int readableRecords() {
      return readLimit < 0 ? records : readLimit;
    }

    void close() {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("closing {}: {}", path, e.getMessage());
      }
    }

    @Override
    public String toString() {
      return path.getFileName().toString();
    }
  }
}
