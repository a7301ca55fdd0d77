package io.agentwatch.capture.host;

import io.agentwatch.capture.flow.Flow;
import io.agentwatch.schema.FlowRecord;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Names the internal host of a flow in its record: {@code host}, {@code src_ip} and, when an
 * inventory knows them, {@code host_owner} and {@code host_team}. The host is the flow's
 * initiator.
 *
 * <p>Called once per record, after the identification fields are set, so an implementation may
 * withdraw a field that would reveal the host's address ({@code community_id}). A sensor calls it
 * from its own thread; the implementations here may be shared by several sensors.
 */
public interface HostAttribution {

  void describe(Flow flow, FlowRecord.Builder record);

  /** host = src_ip = the initiator's address: what a sensor without other knowledge can say. */
  static HostAttribution initiatorAddress() {
    return InitiatorAddress.INSTANCE;
  }

  /**
   * A sensor on the machine it watches (endpoint mode): every flow is this machine's, whatever
   * address it used.
   */
  static HostAttribution endpoint(String machineName) {
    return new EndpointHost(machineName);
  }

  /**
   * Endpoint mode named by this machine's host name.
   *
   * @throws IllegalStateException when the system cannot name this machine; pass a name instead
   */
  static HostAttribution endpoint() {
    try {
      return endpoint(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("cannot determine this machine's host name (" + e.getMessage() + "); configure the host name explicitly", e);
    }
  }

  /**
   * A sensor on a SPAN port or TAP (network mode): hosts named by the inventory, by MAC, address
   * or network; a host it does not list keeps its address as name.
   */
  static HostAttribution network(HostInventory inventory) {
    return new InventoryHosts(inventory);
  }

  /**
   * {@code names} with the host's address replaced by its pseudonym in {@code src_ip}, and in
   * {@code host} when the host has no other name; names (an inventory's, the machine's) stay.
   * {@code community_id} is withdrawn: it hashes the real addresses without a secret, so trying
   * every internal address would reveal the host.
   */
  static HostAttribution pseudonymized(HostAttribution names, Pseudonymizer pseudonymizer) {
    return new PseudonymizedHosts(names, pseudonymizer);
  }
}
