package io.agentwatch.capture.export;

import io.agentwatch.schema.FlowRecord;

/** Where finished flow records go: Kafka, a JSON lines stream, a test's list. */
public interface FlowSink extends AutoCloseable {

  void accept(FlowRecord record);

  /** Pushes out whatever is buffered; called at the end of a capture. */
  default void flush() {}

  @Override
  default void close() {
    flush();
  }
}
