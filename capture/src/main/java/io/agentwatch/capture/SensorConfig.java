package io.agentwatch.capture;

import io.agentwatch.capture.export.ExportScope;
import io.agentwatch.capture.flow.FlowTableConfig;
import io.agentwatch.capture.host.HostAttribution;
import io.agentwatch.capture.identify.CurrentCatalog;
import io.agentwatch.capture.identify.EndpointCatalog;

/**
 * @param sensorId names this sensor in every record it emits
 * @param flowTable flow timeouts and size
 * @param catalog the endpoint catalog used to name vendors: fixed, or replaced while the sensor runs
 *     (a catalog topic's subscriber swaps it; each record names the version that identified it)
 * @param hosts how records name the internal host (its address, this machine's name, an
 *     inventory's names; optionally pseudonymised)
 * @param lastSequence the sequence number of the last record a previous run of this sensor sent;
 *     records are numbered from the next one, so a restarted sensor does not look like a
 *     duplicate of its earlier self downstream
 * @param scope which flows become flow records; with {@link ExportScope#AI} the others are summed
 *     per host and minute and handed to the sink as {@code HostTrafficMinute}s
 */
public record SensorConfig(
    String sensorId, FlowTableConfig flowTable, CurrentCatalog catalog, HostAttribution hosts, long lastSequence,
    ExportScope scope) {

  /** Every flow as a flow record (scope all), as before export scopes existed. */
  public SensorConfig(
      String sensorId, FlowTableConfig flowTable, CurrentCatalog catalog, HostAttribution hosts, long lastSequence) {
    this(sensorId, flowTable, catalog, hosts, lastSequence, ExportScope.ALL);
  }

  /** Every flow as a flow record, identified with a catalog that is never replaced. */
  public SensorConfig(
      String sensorId, FlowTableConfig flowTable, EndpointCatalog catalog, HostAttribution hosts, long lastSequence) {
    this(sensorId, flowTable, catalog == null ? null : CurrentCatalog.fixed(catalog), hosts, lastSequence, ExportScope.ALL);
  }

  /**
   * Default flow table, the built-in catalog, hosts named by address, records numbered from 1, a
   * record for every flow (the local tools print everything; the sensor service chooses its scope).
   */
  public static SensorConfig defaults(String sensorId) {
    return new SensorConfig(sensorId, FlowTableConfig.defaults(), EndpointCatalog.builtin(), HostAttribution.initiatorAddress(), 0);
  }

  public SensorConfig withFlowTable(FlowTableConfig flowTable) {
    return new SensorConfig(sensorId, flowTable, catalog, hosts, lastSequence, scope);
  }

  public SensorConfig withCatalog(EndpointCatalog catalog) {
    return withCatalog(CurrentCatalog.fixed(catalog));
  }

  /** Identifies with whatever {@code catalog} holds when a record is built (it may be replaced meanwhile). */
  public SensorConfig withCatalog(CurrentCatalog catalog) {
    return new SensorConfig(sensorId, flowTable, catalog, hosts, lastSequence, scope);
  }

  public SensorConfig withHosts(HostAttribution hosts) {
    return new SensorConfig(sensorId, flowTable, catalog, hosts, lastSequence, scope);
  }

  public SensorConfig withLastSequence(long lastSequence) {
    return new SensorConfig(sensorId, flowTable, catalog, hosts, lastSequence, scope);
  }

  public SensorConfig withScope(ExportScope scope) {
    return new SensorConfig(sensorId, flowTable, catalog, hosts, lastSequence, scope);
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
    if (scope == null) {
      throw new IllegalArgumentException("sensor: scope is missing");
    }
    if (lastSequence < 0) {
      throw new IllegalArgumentException("sensor: lastSequence must not be negative, was " + lastSequence);
    }
    return this;
  }
}
