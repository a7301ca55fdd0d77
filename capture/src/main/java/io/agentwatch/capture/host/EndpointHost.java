package io.agentwatch.capture.host;

import io.agentwatch.capture.flow.Flow;
import io.agentwatch.schema.FlowRecord;

/** Endpoint mode: one machine, one name, whichever of its addresses a flow used. */
record EndpointHost(String machineName) implements HostAttribution {

  EndpointHost {
    if (machineName == null || machineName.isBlank()) {
      throw new IllegalArgumentException("endpoint host attribution: the machine name is missing");
    }
  }

  @Override
  public void describe(Flow flow, FlowRecord.Builder record) {
    record.setHost(machineName).setSrcIp(flow.initiatorAddress());
  }
}
