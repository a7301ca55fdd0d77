package io.agentwatch.capture.host;

import io.agentwatch.capture.flow.Flow;
import io.agentwatch.schema.FlowRecord;

/** host = src_ip = the initiator's address. */
final class InitiatorAddress implements HostAttribution {

  static final InitiatorAddress INSTANCE = new InitiatorAddress();

  private InitiatorAddress() {}

  @Override
  public void describe(Flow flow, FlowRecord.Builder record) {
    String address = flow.initiatorAddress();
    record.setHost(address).setSrcIp(address);
  }

  @Override
  public String toString() {
    return "initiator address";
  }
}
