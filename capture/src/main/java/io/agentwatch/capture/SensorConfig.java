package io.agentwatch.capture;

import io.agentwatch.capture.flow.FlowTableConfig;
import io.agentwatch.capture.host.HostAttribution;
import io.agentwatch.capture.identify.EndpointCatalog;

/**
 * @param sensorId names this sensor in every record it emits
 * @param flowTable flow timeouts and size
 * @param catalog the endpoint catalog used to name vendors
 * @param hosts how records name the internal host (its address, this machine's name, an
 *     inventory's names; optionally pseudonymised)
 * @param lastSequence the sequence number of the last record a previous run of this sensor sent;
 *     records are numbered from the next one, so a restarted sensor does not look like a
 *     duplicate of its earlier self downstream
 */
public record SensorConfig(
    String sensorId, FlowTableConfig flowTable, EndpointCatalog catalog, HostAttribution hosts, long lastSequence) {

  /** Default flow table, the built-in catalog, hosts named by address, records numbered from 1. */
  public static SensorConfig defaults(String sensorId) {
    return new SensorConfig(sensorId, FlowTableConfig.defaults(), EndpointCatalog.builtin(), HostAttribution.initiatorAddress(), 0);
  }

  public SensorConfig withFlowTable(FlowTableConfig flowTable) {
    return new SensorConfig(sensorId, flowTable, catalog, hosts, lastSequence);
  }

  public SensorConfig withCatalog(EndpointCatalog catalog) {
    return new SensorConfig(sensorId, flowTable, catalog, hosts, lastSequence);
  }

  public SensorConfig withHosts(HostAttribution hosts) {
    return new SensorConfig(sensorId, flowTable, catalog, hosts, lastSequence);
  }

  public SensorConfig withLastSequence(long lastSequence) {
    return new SensorConfig(sensorId, flowTable, catalog, hosts, lastSequence);
  }

  /** @throws IllegalArgumentException naming the first bad setting */
  public SensorConfig validate() {
    if (sensorId == null || sensorId.isBlank()) {
      throw new IllegalArgumentException("sensor: sensorId is missing");
    }
    if (flowTable == null) {
      throw new IllegalArgumentException("sensor: flowTable is missing");
    }
    flowTable.validate();
    if (catalog == null) {
      throw new IllegalArgumentException("sensor: catalog is missing");
    }
    if (hosts == null) {
      throw new IllegalArgumentException("sensor: hosts is missing");
    }
    if (lastSequence < 0) {
      throw new IllegalArgumentException("sensor: lastSequence must not be negative, was " + lastSequence);
    }
    return this;
  }
}
