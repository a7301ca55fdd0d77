package io.agentwatch.capture;

import io.agentwatch.capture.flow.FlowTableConfig;
import io.agentwatch.capture.identify.EndpointCatalog;

/**
 * @param sensorId names this sensor in every record it emits
 * @param flowTable flow timeouts and size
 * @param catalog the endpoint catalog used to name vendors
 */
public record SensorConfig(String sensorId, FlowTableConfig flowTable, EndpointCatalog catalog) {

  /** Default flow table and the built-in catalog. */
  public static SensorConfig defaults(String sensorId) {
    return new SensorConfig(sensorId, FlowTableConfig.defaults(), EndpointCatalog.builtin());
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
    return this;
  }
}
