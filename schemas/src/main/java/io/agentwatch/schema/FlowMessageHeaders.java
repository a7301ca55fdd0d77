package io.agentwatch.schema;

/**
 * Kafka headers of the messages on the flows topic: part of the data contract, next to the Avro
 * schema of their values.
 */
public final class FlowMessageHeaders {

  /**
   * Set (value {@code "1"}) on a record the sensor sends again and may have delivered before: the
   * records still unacknowledged when its producer failed and was replaced, or left in the spool by
   * the previous run. The stream job drops such a record when it has already seen its sequence
   * number from that sensor and host. Records without the header are never dropped.
   */
  public static final String RESENT = "agentwatch-resent";

  private FlowMessageHeaders() {}
}
