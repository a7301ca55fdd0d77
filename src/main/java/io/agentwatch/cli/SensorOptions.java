package io.agentwatch.cli;

import io.agentwatch.capture.SensorConfig;
import io.agentwatch.config.ValueParsers;
import io.agentwatch.capture.flow.FlowTableConfig;
import io.agentwatch.capture.host.HostAttribution;
import io.agentwatch.capture.identify.EndpointCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Sensor options shared by every command that runs the sensor. */
final class SensorOptions {

  @Option(names = "--catalog", paramLabel = "FILE",
      description = "Extra endpoint catalog file (YAML) extending or overriding the built-in one; repeatable.")
  List<Path> catalogs = new ArrayList<>();

  @Option(names = "--sensor-id", paramLabel = "ID", defaultValue = "${env:AGENTWATCH_SENSOR_ID:-sensor-1}",
      description = "Sensor identity written into every flow record (default: ${DEFAULT-VALUE}).")
  String sensorId;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "End a flow after this long without packets, TCP and UDP alike (e.g. 60s, 5m; "
          + "defaults: TCP 60s, UDP 30s).")
  Duration idleTimeout;

  @Option(names = "--tcp-idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Idle timeout of TCP flows only (overrides --idle-timeout).")
  Duration tcpIdleTimeout;

  @Option(names = "--udp-idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Idle timeout of UDP flows only (overrides --idle-timeout).")
  Duration udpIdleTimeout;

  @Option(names = "--active-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "A flow longer than this emits a record (counts since its previous record) and goes on "
          + "(default: 5m).")
  Duration activeTimeout;

  @Option(names = "--max-flows", paramLabel = "N",
      description = "Largest number of open flows; when full the least recently seen is exported early "
          + "(reason evicted; default: 1000000).")
  Integer maxFlows;

  SensorConfig config() {
    EndpointCatalog catalog = catalogs.isEmpty() ? EndpointCatalog.builtin() : EndpointCatalog.builtinWith(catalogs);
    return new SensorConfig(sensorId, flowTable(), catalog, HostAttribution.initiatorAddress(), 0).validate();
  }

  FlowTableConfig flowTable() {
    FlowTableConfig table = FlowTableConfig.defaults();
    Duration tcp = firstSet(tcpIdleTimeout, idleTimeout, table.tcpIdleTimeout());
    Duration udp = firstSet(udpIdleTimeout, idleTimeout, table.udpIdleTimeout());
    table = table.withIdleTimeouts(tcp, udp);
    if (activeTimeout != null) {
      table = table.withActiveTimeout(activeTimeout);
    }
    if (maxFlows != null) {
      table = table.withMaxFlows(maxFlows);
    }
    return table.validate();
  }

  private static Duration firstSet(Duration specific, Duration general, Duration fallback) {
    return specific != null ? specific : general != null ? general : fallback;
  }

  /** "60s", "5m", "1h", "500ms", "1d" (the configuration's spelling); picocli prefixes the option name to the error. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return ValueParsers.duration(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
