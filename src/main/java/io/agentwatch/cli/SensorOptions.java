package io.agentwatch.cli;

import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.identify.EndpointCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Sensor options shared by every command that runs the sensor. */
final class SensorOptions {

  @Option(names = "--catalog", paramLabel = "FILE",
      description = "Extra endpoint catalog file (YAML) extending or overriding the built-in one; repeatable.")
  List<Path> catalogs = new ArrayList<>();

  @Option(names = "--sensor-id", paramLabel = "ID", defaultValue = "${env:AGENTWATCH_SENSOR_ID:-sensor-1}",
      description = "Sensor identity written into every flow record (default: ${DEFAULT-VALUE}).")
  String sensorId;

  SensorConfig config() {
    EndpointCatalog catalog = catalogs.isEmpty() ? EndpointCatalog.builtin() : EndpointCatalog.builtinWith(catalogs);
    SensorConfig defaults = SensorConfig.defaults(sensorId);
    return new SensorConfig(sensorId, defaults.flowTable(), catalog).validate();
  }
}
