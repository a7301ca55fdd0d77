package io.agentwatch.cli;

import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.service.SensorServiceConfig;
import io.agentwatch.config.ConfigException;
import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import io.agentwatch.config.ValueParsers;
import io.agentwatch.capture.flow.FlowTableConfig;
import io.agentwatch.capture.host.HostAttribution;
import io.agentwatch.capture.identify.EndpointCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Sensor options shared by every command that runs the sensor. Each flag is also a key of the
 * sensor service ({@link #SETTINGS}), so `--set flows.active-timeout=1m` works too; a flag wins.
 */
final class SensorOptions {

  /** The sensor service's keys that `flows` and `up` read; the same names, defaults and spelling as `agentwatch sensor`. */
  static final Set<String> KEYS = Set.of("sensor.id", "flows.tcp-idle-timeout", "flows.udp-idle-timeout",
      "flows.active-timeout", "flows.max-flows", "catalog.files");

  static final List<Setting> SETTINGS =
      SensorServiceConfig.SETTINGS.stream().filter(setting -> KEYS.contains(setting.key())).toList();

  private static final String DEFAULT_SENSOR_ID = "sensor-1";

  @Option(names = "--catalog", paramLabel = "FILE",
      description = "Extra endpoint catalog file (YAML) extending or overriding the built-in one; repeatable.")
  List<Path> catalogs = new ArrayList<>();

  @Option(names = "--sensor-id", paramLabel = "ID",
      description = "Sensor identity written into every flow record (sensor.id; default: $AGENTWATCH_SENSOR_ID, else "
          + DEFAULT_SENSOR_ID + ").")
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
          + "(default: 1m, as flow exporters commonly use).")
  Duration activeTimeout;

  @Option(names = "--max-flows", paramLabel = "N",
      description = "Largest number of open flows; when full the least recently seen is exported early "
          + "(reason evicted; default: 1000000).")
  Integer maxFlows;

  SensorConfig config() {
    return config(Map.of());
  }

  /**
   * The sensor's config from the flags over {@code set} (--set KEY=VALUE of {@link #KEYS}) over
   * the environment; a bad value is a ConfigException naming key and source.
   */
  SensorConfig config(Map<String, String> set) {
    Settings settings = Settings.load(SETTINGS, null, System.getenv(), Map.copyOf(set));
    String id = sensorId != null ? sensorId : settings.isSet("sensor.id") ? settings.text("sensor.id") : DEFAULT_SENSOR_ID;
    List<Path> files = new ArrayList<>(settings.list("catalog.files").stream().map(Path::of).toList());
    files.addAll(catalogs);
    FlowTableConfig table = FlowTableConfig.defaults();
    Duration tcp = firstSet(tcpIdleTimeout, idleTimeout, settings.parse("flows.tcp-idle-timeout", ValueParsers::duration));
    Duration udp = firstSet(udpIdleTimeout, idleTimeout, settings.parse("flows.udp-idle-timeout", ValueParsers::duration));
    Duration active = activeTimeout != null ? activeTimeout : settings.parse("flows.active-timeout", ValueParsers::duration);
    Integer max = maxFlows != null ? maxFlows : settings.parse("flows.max-flows", text -> ValueParsers.integer(text, 1, 100_000_000));
    settings.throwIfProblems();
    table = table.withIdleTimeouts(tcp, udp).withActiveTimeout(active).withMaxFlows(max).validate();
    EndpointCatalog catalog = files.isEmpty() ? EndpointCatalog.builtin() : EndpointCatalog.builtinWith(files);
    return new SensorConfig(id, table, catalog, HostAttribution.initiatorAddress(), 0).validate();
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
