package io.agentwatch.jobs.source;

import io.agentwatch.schema.FlowRecord;

/**
 * A flow record as it came off the flows topic, with what its Kafka headers said about it. A
 * Flink POJO; it lives only inside the source task (chained operators), never across a shuffle.
 */
public final class FlowMessage {
  public FlowRecord record;
  /** The sensor sent it again ({@link io.agentwatch.schema.FlowMessageHeaders#RESENT}). */
  public boolean resent;

  public FlowMessage() {}

  public FlowMessage(FlowRecord record, boolean resent) {
    this.record = record;
    this.resent = resent;
  }
}
