package io.agentwatch.capture.export;

import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.HostTrafficMinute;

/** Where finished flow records go: Kafka, a JSON lines stream, a test's list. */
public interface FlowSink extends AutoCloseable {

  void accept(FlowRecord record);

  /**
   * One host's minute of the traffic a sensor with {@link ExportScope#AI} does not send as flow
   * records. Only sinks that deliver (Kafka) or keep (tests) them take them; the text writers
   * print flow records only, so a sensor with that scope must not be given one.
   */
  default void acceptHostTraffic(HostTrafficMinute totals) {
    throw new UnsupportedOperationException(getClass().getSimpleName()
        + " takes flow records only; run the sensor with export scope 'all' to write it");
  }

  /** Pushes out whatever is buffered; called at the end of a capture. */
  default void flush() {}

  /**
   * Time passes on a live capture: called about once a second from the capture's clock, never at
   * the same time as {@link #accept}. A sink that buffers for a reader (a terminal, a pipe) pushes
   * out what it holds, so a record shows within a second of its flow ending rather than when a
   * buffer fills; sinks that deliver on their own schedule ignore it. Must not block for long: the
   * capture waits.
   */
  default void tick() {}

  @Override
  default void close() {
    flush();
  }
}
