package io.agentwatch.jobs.aggregate;

import io.agentwatch.schema.FlowRecord;
import java.time.Instant;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Spreads a flow record's bytes and packets over the windows between its {@code first_seen} and
 * {@code last_seen}, in proportion to the time it spent in each, so a steady upload reported once
 * after minutes shows as steady minutes instead of one spike in the minute it was reported.
 *
 * <p>Totals stay exact: each counter is split by cumulative rounding (the part of window i is
 * {@code floor(total·t_i/d) − floor(total·t_{i−1}/d)}, t the time elapsed at the window's end, d
 * the record's duration, in milliseconds), so the parts of a record sum to its counts. The record's
 * time is [first_seen, last_seen): a record within one window is one part equal to the record. It
 * counts as one flow, in its last window (that of last_seen, or the one before when last_seen is
 * a window's first millisecond); every part adds its destination and its upload (max_upload and
 * the largest uploads are per window: the bytes that went out in that window).
 *
 * <p>Each part carries its own event time (the last millisecond of its window, or the record's
 * last_seen in the last window), so the window operator judges each part's lateness against its
 * own window: a part whose window closed for good goes to the late side output with its bytes
 * (late_flows says exactly what the windows miss) instead of being silently dropped.
 *
 * <p>A custom operator only because a function cannot stamp its output with a time of its own.
 * It allocates nothing per part: one part object and one stream record are reused, which is safe
 * because the next operator, {@link CombineParts}, copies what it keeps into its totals and
 * passes anything else straight on across the keyBy (each part is serialised when emitted).
 */
public final class SpreadOverWindows extends AbstractStreamOperator<FlowPart>
    implements OneInputStreamOperator<FlowRecord, FlowPart> {

  private final long windowMillis;
  private transient FlowPart part;
  private transient StreamRecord<FlowPart> out;

  public SpreadOverWindows(long windowMillis) {
    if (windowMillis <= 0) {
      throw new IllegalArgumentException("window must be positive, was " + windowMillis + " ms");
    }
    this.windowMillis = windowMillis;
  }

  @Override
  public void open() throws Exception {
    super.open();
    part = new FlowPart();
    out = new StreamRecord<>(part);
  }

  @Override
  public void processElement(StreamRecord<FlowRecord> element) {
    FlowRecord flow = element.getValue();
    part.sensorId = flow.getSensorId();
    part.sequence = flow.getSequence();
    part.lastSeenMicros = micros(flow.getLastSeen());
    part.host = flow.getHost();
    part.vendor = flow.getVendor();
    part.service = flow.getService() == null ? "" : flow.getService();
    part.dstIp = flow.getDstIp();
    part.flowKey = FlowKeys.of(flow);

    long last = flow.getLastSeen().toEpochMilli();
    // A first_seen after last_seen (a clock step in the sensor) counts as an instant at last_seen.
    long first = Math.min(flow.getFirstSeen().toEpochMilli(), last);
    long duration = last - first;
    // The record's time is [first, last): one that ends on a window's first millisecond did not
    // last into that window. An instant (first = last) is in the window of last_seen.
    long lastWindow = windowStart(duration == 0 ? last : last - 1);
    long bytesUp = flow.getBytesUp();
    long bytesDown = flow.getBytesDown();
    long packetsUp = flow.getPacketsUp();
    long packetsDown = flow.getPacketsDown();
    long doneUp = 0;
    long doneDown = 0;
    long donePacketsUp = 0;
    long donePacketsDown = 0;
    for (long start = windowStart(first); start < lastWindow; start += windowMillis) {
      long elapsed = start + windowMillis - first;
      long upTo = share(bytesUp, elapsed, duration);
      long downTo = share(bytesDown, elapsed, duration);
      long packetsUpTo = share(packetsUp, elapsed, duration);
      long packetsDownTo = share(packetsDown, elapsed, duration);
      emit(start, start + windowMillis - 1, upTo - doneUp, downTo - doneDown,
          packetsUpTo - donePacketsUp, packetsDownTo - donePacketsDown, 0);
      doneUp = upTo;
      doneDown = downTo;
      donePacketsUp = packetsUpTo;
      donePacketsDown = packetsDownTo;
    }
    // The last window takes what is left, so the parts sum to the record exactly, and the flow.
    emit(lastWindow, Math.min(last, lastWindow + windowMillis - 1), bytesUp - doneUp, bytesDown - doneDown,
        packetsUp - donePacketsUp, packetsDown - donePacketsDown, 1);
  }

  private void emit(long windowStart, long eventTime, long bytesUp, long bytesDown, long packetsUp,
      long packetsDown, int flows) {
    part.windowStart = windowStart;
    part.bytesUp = bytesUp;
    part.bytesDown = bytesDown;
    part.packetsUp = packetsUp;
    part.packetsDown = packetsDown;
    part.flows = flows;
    output.collect(out.replace(part, eventTime));
  }

  private long windowStart(long millis) {
    return millis - Math.floorMod(millis, windowMillis);
  }

  /**
   * {@code floor(total · elapsed / duration)} without overflow, for 0 ≤ elapsed ≤ duration:
   * {@code (total / d)·e + (total mod d)·e / d}, where the last product is below d², so durations
   * are halved (both terms alike, which keeps the result monotone and exact at the end) until d
   * fits in 31 bits (24 days of milliseconds).
   */
  static long share(long total, long elapsed, long duration) {
    while (duration > Integer.MAX_VALUE) {
      duration >>= 1;
      elapsed >>= 1;
    }
    return total / duration * elapsed + total % duration * elapsed / duration;
  }

  private static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000L;
  }
}
