package io.agentwatch.jobs.aggregate;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Sums the parts of one host × vendor × service × window inside the source's subtask, before the
 * keyBy, so the shuffle and the window operator (its state access and timers) see one combined
 * part per window and key between two watermarks instead of one per record: the window
 * operator's per-record work was the largest Java cost of the job.
 *
 * <p>The windows fire exactly as without it. A part is held only while its window is still open
 * by the last watermark this operator passed on, and every held part of a window is sent before
 * the watermark that closes it, so it reaches the window operator before that window fires, and
 * never late: the window operator's watermark is at most this subtask's. A part whose window has
 * already fired (late, within the allowed lateness or beyond it) is passed on alone at once, so
 * it fires its window again, or reaches the late side output and {@code late_flows} with its
 * record's sensor and sequence, as before. Nothing is held across a checkpoint (all is sent before
 * the barrier, so no state) or while the input is idle (then the downstream watermark may move on
 * without this subtask's).
 *
 * <p>Allocates per window and key, not per part: a lookup reuses one probe key.
 */
public final class CombineParts extends AbstractStreamOperator<FlowPart>
    implements OneInputStreamOperator<FlowPart, FlowPart>, BoundedOneInput {

  private final long windowMillis;
  /** The last watermark passed on: a part whose window ends at or before it goes on alone. */
  private transient long watermark;
  /** Combined parts by window start, then by key and window. */
  private transient Map<Long, Map<PartKey, FlowPart>> held;
  private transient PartKey probe;
  private transient StreamRecord<FlowPart> out;

  public CombineParts(long windowMillis) {
    if (windowMillis <= 0) {
      throw new IllegalArgumentException("window must be positive, was " + windowMillis + " ms");
    }
    this.windowMillis = windowMillis;
  }

  @Override
  public void open() throws Exception {
    super.open();
    watermark = Long.MIN_VALUE;
    held = new HashMap<>();
    probe = new PartKey();
    out = new StreamRecord<>(null);
  }

  @Override
  public void processElement(StreamRecord<FlowPart> element) {
    FlowPart part = element.getValue();
    if (part.windowStart + windowMillis - 1 <= watermark) {
      output.collect(element);
      return;
    }
    Map<PartKey, FlowPart> window = held.get(part.windowStart);
    if (window == null) {
      window = new HashMap<>();
      held.put(part.windowStart, window);
    }
    FlowPart combined = window.get(probe.of(part));
    if (combined == null) {
      combined = FlowPart.combined(part.host, part.vendor, part.service, part.windowStart);
      window.put(new PartKey().of(part), combined);
    }
    combined.combined.add(part);
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    Iterator<Map.Entry<Long, Map<PartKey, FlowPart>>> windows = held.entrySet().iterator();
    while (windows.hasNext()) {
      Map.Entry<Long, Map<PartKey, FlowPart>> window = windows.next();
      if (window.getKey() + windowMillis - 1 <= mark.getTimestamp()) {
        send(window.getValue());
        windows.remove();
      }
    }
    watermark = Math.max(watermark, mark.getTimestamp());
    super.processWatermark(mark);
  }

  @Override
  public void processWatermarkStatus(WatermarkStatus status) throws Exception {
    if (status.isIdle()) {
      sendAll();
    }
    super.processWatermarkStatus(status);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    sendAll();
  }

  @Override
  public void endInput() {
    sendAll();
  }

  private void sendAll() {
    for (Map<PartKey, FlowPart> window : held.values()) {
      send(window);
    }
    held.clear();
  }

  /** Each combined part with its window's last millisecond as event time (the next operator is across a keyBy: one record object will do). */
  private void send(Map<PartKey, FlowPart> window) {
    for (FlowPart combined : window.values()) {
      output.collect(out.replace(combined, combined.windowStart + windowMillis - 1));
    }
  }

  /** Host, vendor and service of a part (its window is the outer map's key); mutable, for the probe. */
  private static final class PartKey {
    private String host;
    private String vendor;
    private String service;

    PartKey of(FlowPart part) {
      host = part.host;
      vendor = part.vendor;
      service = part.service;
      return this;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PartKey k && host.equals(k.host) && vendor.equals(k.vendor) && service.equals(k.service);
    }

    @Override
    public int hashCode() {
      return (host.hashCode() * 31 + vendor.hashCode()) * 31 + service.hashCode();
    }
  }
}
