package io.agentwatch.capture.flow;

import java.util.Arrays;

/**
 * The first bytes the initiator of a TCP flow sent, put back in sequence order so that a message
 * split over several segments (a large TLS ClientHello) can be parsed. Retransmitted bytes are
 * ignored, out-of-order segments are held until the gap before them fills, and a gap that never
 * fills leaves the prefix short: a parser then sees an incomplete message, never a wrong one.
 * Bounded to {@link #LIMIT} bytes.
 */
public final class InitiatorStream {

  public static final int LIMIT = 16 * 1024;
  private static final int MAX_PENDING_RANGES = 8;
  private static final int INITIAL_CAPACITY = 2048;

  private byte[] buffer = new byte[INITIAL_CAPACITY];
  private int baseSeq;
  private boolean baseKnown;
  private int contiguous;
  private final int[] pendingStart = new int[MAX_PENDING_RANGES];
  private final int[] pendingEnd = new int[MAX_PENDING_RANGES];
  private int pendingCount;
  private boolean beyondLimit;

  /**
   * Streams whose flow stopped collecting, kept for the next flows: a busy link opens tens of
   * thousands of TLS flows a second, and a fresh buffer for each was the largest allocation of the
   * packet path (a garbage collection every 100 MB). Owned by one flow table, so one thread.
   */
  static final class Recycler {
    private static final int KEPT = 256;
    private final InitiatorStream[] free = new InitiatorStream[KEPT];
    private int count;

    InitiatorStream take() {
      return count == 0 ? new InitiatorStream() : free[--count];
    }

    void give(InitiatorStream stream) {
      if (count < KEPT && stream.buffer.length <= INITIAL_CAPACITY * 4) {
        stream.reset();
        free[count++] = stream;
      }
    }
  }

  private void reset() {
    baseSeq = 0;
    baseKnown = false;
    contiguous = 0;
    pendingCount = 0;
    beyondLimit = false;
  }

  /** Sets the sequence number of the first payload byte (SYN seq + 1, or the SYN-ACK's ack). */
  public void startAt(int firstPayloadSeq) {
    if (!baseKnown) {
      baseSeq = firstPayloadSeq;
      baseKnown = true;
    }
  }

  /**
   * Adds a segment's captured bytes.
   *
   * @return true if the contiguous prefix grew
   */
  public boolean add(int seq, byte[] data, int offset, int length) {
    if (length <= 0) {
      return false;
    }
    if (!baseKnown) {
      startAt(seq);
    }
    long relativeStart = seq - baseSeq; // int subtraction handles sequence wrap-around
    long relativeEnd = relativeStart + length;
    if (relativeEnd <= 0) {
      return false;
    }
    if (relativeStart >= LIMIT) {
      beyondLimit = true;
      return false;
    }
    int start = (int) Math.max(0, relativeStart);
    int end = (int) Math.min(LIMIT, relativeEnd);
    ensureCapacity(end);
    int previous = contiguous;
    if (start <= contiguous) {
      if (end > contiguous) {
        System.arraycopy(data, offset + (contiguous - (int) relativeStart), buffer, contiguous, end - contiguous);
        contiguous = end;
        absorbPending();
      }
    } else if (pendingCount < MAX_PENDING_RANGES) {
      System.arraycopy(data, offset + (start - (int) relativeStart), buffer, start, end - start);
      pendingStart[pendingCount] = start;
      pendingEnd[pendingCount] = end;
      pendingCount++;
    }
    return contiguous > previous;
  }

  private void absorbPending() {
    boolean merged = true;
    while (merged) {
      merged = false;
      for (int i = 0; i < pendingCount; i++) {
        if (pendingStart[i] <= contiguous) {
          contiguous = Math.max(contiguous, pendingEnd[i]);
          pendingCount--;
          pendingStart[i] = pendingStart[pendingCount];
          pendingEnd[i] = pendingEnd[pendingCount];
          merged = true;
          break;
        }
      }
    }
  }

  private void ensureCapacity(int needed) {
    if (needed > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.min(LIMIT, Math.max(needed, buffer.length * 2)));
    }
  }

  /** The reassembled bytes; valid in {@code [0, length())}. */
  public byte[] bytes() {
    return buffer;
  }

  /** Length of the gap-free prefix. */
  public int length() {
    return contiguous;
  }

  /** True when no more useful bytes can arrive: the buffer is full or the sender moved past it. */
  public boolean exhausted() {
    return contiguous >= LIMIT || beyondLimit;
  }
}
