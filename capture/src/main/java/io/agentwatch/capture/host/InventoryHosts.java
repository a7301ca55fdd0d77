package io.agentwatch.capture.host;

import io.agentwatch.capture.flow.Flow;
import io.agentwatch.capture.host.HostInventory.Host;
import io.agentwatch.schema.FlowRecord;
import java.util.Objects;

/** Network mode: the inventory names the initiator; an address it does not list is its own name. */
record InventoryHosts(HostInventory inventory) implements HostAttribution {

  InventoryHosts {
    Objects.requireNonNull(inventory, "network host attribution: the inventory is missing");
  }

  @Override
  public void describe(Flow flow, FlowRecord.Builder record) {
    String address = flow.initiatorAddress();
    Host host = inventory.lookup(flow.key().ipVersion(), flow.initiatorAddressHi(), flow.initiatorAddressLo(), flow.initiatorMac());
    record.setSrcIp(address);
    if (host == null) {
      record.setHost(address);
    } else {
      record.setHost(host.name()).setHostOwner(host.owner()).setHostTeam(host.team());
    }
  }
}
