package io.agentwatch.cli;

import io.agentwatch.config.ConfigException;
import io.agentwatch.config.Settings;
import io.agentwatch.config.SettingsHelp;
import io.agentwatch.capture.host.HostInventoryException;
import io.agentwatch.capture.service.KafkaRejectedException;
import io.agentwatch.capture.service.SensorService;
import io.agentwatch.capture.service.SensorServiceConfig;
import io.agentwatch.capture.source.CaptureException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The sensor as a service: capture → flows → on-disk spool → Kafka, with metrics and health. */
@Command(name = "sensor", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
    description = {"Run the sensor as a service: capture live (or replay a file), turn packets into flow records",
        "and deliver them to Kafka as Avro. Records pass an on-disk spool first, so a Kafka outage or a",
        "restart delays them instead of losing them; when the spool is full the oldest unsent records",
        "are dropped, counted and logged. SIGTERM/SIGINT ends the capture, exports every open flow and",
        "waits for Kafka (shutdown.flush-timeout); what is still unsent stays in the spool for the next start.",
        "",
        "Settings come from the YAML file (--config), then AGENTWATCH_* environment variables, then flags",
        "(strongest). All keys are listed below; every one can be given with --set KEY=VALUE.",
        "Secrets (passwords) are only read from the environment or from files, never from flags.",
        "Exit codes: 0 done, 1 failure, 2 invalid configuration or credentials rejected, 3 capture failed."})
final class SensorCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(SensorCommand.class);

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "${env:AGENTWATCH_CONFIG}",
      description = "YAML configuration file (default: $AGENTWATCH_CONFIG, else none).")
  Path configFile;

  @Option(names = "--interface", paramLabel = "IF", description = "Capture live on this interface; repeatable (capture.interfaces).")
  List<String> interfaces;

  @Option(names = "--read", paramLabel = "FILE", description = "Replay a pcap/pcapng file instead (capture.read).")
  String read;

  @Option(names = "--replay-speed", paramLabel = "max|recorded", description = "Replay as fast as possible or at the recorded pace (capture.replay-speed).")
  String replaySpeed;

  @Option(names = "--filter", paramLabel = "BPF", description = "BPF filter for live capture (capture.filter).")
  String filter;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...", description = "Kafka cluster (kafka.bootstrap-servers).")
  String bootstrapServers;

  @Option(names = "--topic", paramLabel = "TOPIC", description = "Kafka topic (kafka.topic).")
  String topic;

  @Option(names = "--sensor-id", paramLabel = "ID", description = "Sensor identity in every record (sensor.id).")
  String sensorId;

  @Option(names = "--spool-dir", paramLabel = "DIR", description = "Spool directory (spool.directory).")
  String spoolDirectory;

  @Option(names = "--metrics-listen", paramLabel = "HOST:PORT|off", description = "Metrics endpoint (metrics.listen).")
  String metricsListen;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any setting below, e.g. --set spool.max-size=2GiB; repeatable.")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(names = "--print-config", description = "Print the effective settings (secrets hidden) and exit.")
  boolean printConfig;

  @Spec
  CommandSpec spec;

  /** The settings table under the options: --help documents every key. */
  static void addSettingsHelp(CommandLine sensor) {
    List<String> footer = new ArrayList<>();
    footer.add("");
    footer.add("Settings (YAML key; environment variable; default):");
    footer.addAll(SettingsHelp.lines(SensorServiceConfig.SETTINGS));
    footer.add("");
    footer.add("Example: deploy/systemd/sensor.yaml; the unit file and hardening: deploy/README.md.");
    sensor.getCommandSpec().usageMessage().footer(footer.toArray(new String[0]));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Settings settings = Settings.load(SensorServiceConfig.SETTINGS, configFile, System.getenv(), flags());
    SensorServiceConfig config;
    try {
      config = SensorServiceConfig.from(settings, System.getenv());
    } catch (ConfigException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
    Map<String, String> effective = config.describe(settings);
    if (printConfig) {
      effective.forEach((key, value) -> out.println(key + " = " + value));
      out.flush();
      return 0;
    }
    effective.forEach((key, value) -> LOG.info("setting {} = {}", key, value));
    SensorService service = new SensorService(config);
    Thread hook = new Thread(() -> stopAndWait(service, config), "sensor-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (service) {
      service.run();
      return 0;
    } catch (CaptureException e) {
      throw new UserError(e.getMessage(), 3, e);
    } catch (KafkaRejectedException | HostInventoryException | ConfigException e) {
      throw new UserError(e.getMessage(), 2, e);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it waits for this method to finish
      }
    }
  }

  /** SIGTERM: stop capturing, then hold the JVM until the flows are flushed (flush timeout plus a margin). */
  private static void stopAndWait(SensorService service, SensorServiceConfig config) {
    LOG.info("stopping: exporting open flows and flushing to Kafka (at most {} s)", config.flushTimeout().toSeconds());
    service.stop();
    try {
      service.awaitClosed(config.flushTimeout().toMillis() + TimeUnit.SECONDS.toMillis(15), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Map<String, Object> flags() {
    Map<String, Object> flags = new LinkedHashMap<>(set);
    putIfGiven(flags, "capture.interfaces", interfaces);
    putIfGiven(flags, "capture.read", read);
    putIfGiven(flags, "capture.replay-speed", replaySpeed);
    putIfGiven(flags, "capture.filter", filter);
    putIfGiven(flags, "kafka.bootstrap-servers", bootstrapServers);
    putIfGiven(flags, "kafka.topic", topic);
    putIfGiven(flags, "sensor.id", sensorId);
    putIfGiven(flags, "spool.directory", spoolDirectory);
    putIfGiven(flags, "metrics.listen", metricsListen);
    return flags;
  }

  private static void putIfGiven(Map<String, Object> flags, String key, Object value) {
    if (value != null) {
      flags.put(key, value);
    }
  }
}
