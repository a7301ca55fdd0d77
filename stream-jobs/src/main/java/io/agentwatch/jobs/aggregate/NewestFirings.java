package io.agentwatch.jobs.aggregate;

import io.agentwatch.schema.HostVendorWindow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Between two checkpoints, passes on only the newest firing of each window, just before the
 * checkpoint's barrier (and at the end of a bounded input), for the store's
 * {@code host_vendor_service_1m}.
 *
 * <p>Why: that table is a ReplacingMergeTree versioned by {@code flows}, and a window fires again
 * for every part of a record that arrives within the allowed lateness. A part of a long record
 * that is not its last adds bytes but no flow, so two firings can carry the same version; of rows
 * with the same key and version ClickHouse keeps the last insert, but within one insert an
 * arbitrary row (its sort is not stable). One row per window per insert leaves the newest state.
 * Nothing waits across a checkpoint (no state); the exactly-once sink writes no earlier than the
 * checkpoint anyway.
 */
public final class NewestFirings extends AbstractStreamOperator<HostVendorWindow>
    implements OneInputStreamOperator<HostVendorWindow, HostVendorWindow>, BoundedOneInput {

  private record WindowId(String host, String vendor, String service, Instant windowStart) {}

  /** In the order windows first fired since the last checkpoint. */
  private transient Map<WindowId, HostVendorWindow> newest;

  @Override
  public void open() throws Exception {
    super.open();
    newest = new LinkedHashMap<>();
  }

  @Override
  public void processElement(StreamRecord<HostVendorWindow> element) {
    // The window operator builds a new record for every firing, so keeping it is safe with object reuse.
    HostVendorWindow w = element.getValue();
    newest.put(new WindowId(w.getHost(), w.getVendor(), w.getService(), w.getWindowStart()), w);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    flush();
  }

  @Override
  public void endInput() {
    flush();
  }

  private void flush() {
    for (HostVendorWindow w : newest.values()) {
      output.collect(new StreamRecord<>(w, w.getWindowEnd().toEpochMilli() - 1));
    }
    newest.clear();
  }
}
