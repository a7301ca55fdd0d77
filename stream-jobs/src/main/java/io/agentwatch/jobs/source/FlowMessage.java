package io.agentwatch.jobs.source;

import io.agentwatch.schema.FlowRecord;
import io.agentwatch.store.DeadLetter;

/**
 * A flow record as it came off the flows topic, with what its Kafka headers said about it; or,
 * for a message that was no flow record, the dead letter that says why ({@code record} null). A
 * Flink POJO; it lives only inside the source task (chained operators), never across a shuffle.
 */
public final class FlowMessage {
  public FlowRecord record;
  /** The sensor sent it again ({@link io.agentwatch.schema.FlowMessageHeaders#RESENT}). */
  public boolean resent;
  /** Set instead of {@code record} when the message could not be decoded. */
  public DeadLetter deadLetter;

  public FlowMessage() {}

  public FlowMessage(FlowRecord record, boolean resent) {
    this.record = record;
    this.resent = resent;
  }

  static FlowMessage deadLetter(DeadLetter letter) {
    FlowMessage message = new FlowMessage();
    message.deadLetter = letter;
    return message;
  }
}
