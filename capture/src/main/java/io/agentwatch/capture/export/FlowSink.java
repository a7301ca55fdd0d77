package io.agentwatch.capture.export;

import io.agentwatch.schema.FlowRecord;

/** Where finished flow records go: Kafka, a JSON lines stream, a test's list. */
public interface FlowSink extends AutoCloseable {

  void accept(FlowRecord record);

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
