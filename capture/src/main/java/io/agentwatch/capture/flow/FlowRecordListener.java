package io.agentwatch.capture.flow;

import io.agentwatch.schema.EndReason;

/**
 * Receives a flow whenever a record of it is due. The flow's counters hold the packets since its
 * previous record and are only valid during the call. The listener must not call back into the
 * flow table.
 */
@FunctionalInterface
public interface FlowRecordListener {

  void onFlowRecord(Flow flow, EndReason reason);
}
