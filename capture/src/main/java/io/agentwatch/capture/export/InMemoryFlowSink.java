package io.agentwatch.capture.export;

import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.HostTrafficMinute;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Keeps records in memory: for tests, and for callers that post-process a small capture. */
public final class InMemoryFlowSink implements FlowSink {

  private final List<FlowRecord> records = new ArrayList<>();
  private final List<HostTrafficMinute> hostTraffic = new ArrayList<>();

  @Override
  public synchronized void accept(FlowRecord record) {
    records.add(record);
  }

  @Override
  public synchronized void acceptHostTraffic(HostTrafficMinute totals) {
    hostTraffic.add(totals);
  }

  /** A snapshot of the host minutes accepted so far, in arrival order. */
  public synchronized List<HostTrafficMinute> hostTraffic() {
    return Collections.unmodifiableList(new ArrayList<>(hostTraffic));
  }

  /** A snapshot of the records accepted so far, in arrival order. */
  public synchronized List<FlowRecord> records() {
    return Collections.unmodifiableList(new ArrayList<>(records));
  }
}
