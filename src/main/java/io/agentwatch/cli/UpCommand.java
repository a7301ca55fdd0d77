package io.agentwatch.cli;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.export.KafkaExportConfig;
import io.agentwatch.capture.export.KafkaFlowExporter;
import io.agentwatch.capture.source.DirectFileSource;
import io.agentwatch.capture.source.PacketSource;
import io.agentwatch.config.ConfigException;
import io.agentwatch.config.Setting;
import io.agentwatch.config.SettingsHelp;
import io.agentwatch.demo.DemoFleet;
import io.agentwatch.stack.OneMachineStack;
import io.agentwatch.stack.TempDirectory;
import io.agentwatch.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The whole pipeline on one machine: broker, sensor, Flink job, embedded ClickHouse. Replays a
 * capture through it and prints what each host sent to each AI vendor.
 */
@Command(name = "up", mixinStandardHelpOptions = true, usageHelpWidth = 120,
    description = {"Run the whole pipeline on this machine and print per-host totals per AI vendor.",
        "",
        "Starts a Kafka broker (KRaft), the Flink aggregation job and the embedded ClickHouse",
        "engine (chDB) in this process, replays a capture through the sensor into them, and",
        "prints what each host sent to and received from each AI vendor, read from ClickHouse.",
        "",
        "Results go to stdout, AgentWatch's own messages to stderr; the libraries' start-up messages",
        "(Kafka, Flink, ClickHouse) go to a log file in the run's directory, named once on stderr.",
        "Settings of the job and the stack (listed below) come from the YAML file (--config), then",
        "AGENTWATCH_* environment variables, then --set KEY=VALUE (strongest)."})
final class UpCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(UpCommand.class);

  static final class Input {
    @Option(names = "--read", paramLabel = "FILE", description = "pcap or pcapng file to replay.")
    Path file;

    @Option(names = "--demo", description = "Replay a generated demo capture: 6 hosts, 6 AI vendors and 2 ordinary sites over 3 minutes, with one upload incident.")
    boolean demo;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Keep the ClickHouse data here, across runs (totals then include earlier runs), and the "
          + "libraries' log (agentwatch-up.log). Default: a temporary directory removed at exit, the log in a temporary file.")
  Path dataDir;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML file with settings listed below.")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Any setting below, e.g. --set detect.spike.score=6 --set job.window=30s; repeatable.")
  Map<String, String> set = new LinkedHashMap<>();

  @Mixin
  SensorOptions sensor;

  @Spec
  CommandSpec spec;

  /** The settings table under the options: --help documents every key `up` reads. */
  static void addSettingsHelp(CommandLine up) {
    List<String> footer = new ArrayList<>();
    footer.add("");
    footer.add("Settings (YAML key; environment variable; default):");
    List<Setting> shown = OneMachineStack.SETTINGS.stream()
        .filter(setting -> !OneMachineStack.CHOSEN_BY_THE_STACK.contains(setting.key())).toList();
    footer.addAll(SettingsHelp.lines(shown));
    footer.addAll(SettingsHelp.lines(SensorOptions.SETTINGS));
    footer.add("");
    footer.add("Set by the stack itself: " + String.join(", ", OneMachineStack.CHOSEN_BY_THE_STACK.stream().sorted().toList())
        + " (--data-dir holds the ClickHouse data).");
    up.getCommandSpec().usageMessage().footer(footer.toArray(new String[0]));
  }

  @Override
  public Integer call() throws Exception {
    try (TempDirectory scratch = TempDirectory.create("agentwatch-up")) {
      // Kafka is scratch: a replay is read once. Only the ClickHouse data may be kept.
      OneMachineStack.Config config = stackConfig(scratch.path());
      SensorConfig sensorConfig = sensorConfig();
      Path libraryLog = libraryLog();
      LibraryLogs.redirectTo(libraryLog);
      LOG.info("messages of Kafka, Flink and the ClickHouse client go to {}", libraryLog);
      Path capture = input.demo ? writeDemoCapture(scratch.path()) : input.file;
      try (PacketSource source = FlowsCommand.openFile(capture);
          OneMachineStack stack = startStack(config)) {
        SensorStats stats;
        KafkaExportConfig export = new KafkaExportConfig(stack.bootstrapServers(), config.flowsTopic(), Map.of());
        try (KafkaFlowExporter exporter = new KafkaFlowExporter(export)) {
          stats = FlowsCommand.runSensor(new Sensor(sensorConfig, exporter), source, spec.commandLine().getErr());
        }
        LOG.info("sensor: {}", Summaries.of(capture, stats));
        stack.aggregateAvailableFlows();
        PrintWriter out = spec.commandLine().getOut();
        out.println("Per host and AI vendor, from ClickHouse (" + stack.store().describe() + "):");
        out.print(stack.hostTotals());
        String alerts = stack.recentAlerts();
        out.println(alerts.isBlank() ? "No alerts." : "Alerts (newest first, at most 20):");
        out.print(alerts);
        out.flush();
      }
    }
    return 0;
  }

  /** The sensor's settings: its flags over --set of its keys; a bad one is exit code 2, naming it. */
  private SensorConfig sensorConfig() {
    try {
      return sensor.config(only(set, true));
    } catch (ConfigException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
  }

  /** The --set values of the sensor's keys ({@link SensorOptions#KEYS}), or all the others (the stack's). */
  private static Map<String, String> only(Map<String, String> set, boolean sensorKeys) {
    Map<String, String> chosen = new LinkedHashMap<>();
    set.forEach((key, value) -> {
      if (SensorOptions.KEYS.contains(key) == sensorKeys) {
        chosen.put(key, value);
      }
    });
    return chosen;
  }

  /** Beside the kept data with --data-dir; otherwise a file of its own (the scratch directory goes at exit). */
  private Path libraryLog() throws IOException {
    if (dataDir != null) {
      Files.createDirectories(dataDir);
      return dataDir.resolve("agentwatch-up.log").toAbsolutePath();
    }
    return Files.createTempFile("agentwatch-up-", ".log").toAbsolutePath();
  }

  /** The stack's settings from --set, --config and the environment; a bad one is exit code 2, naming it. */
  OneMachineStack.Config stackConfig(Path scratch) {
    Path clickhouse = dataDir != null ? dataDir.resolve("clickhouse") : scratch.resolve("clickhouse");
    try {
      return OneMachineStack.Config.load(scratch.resolve("kafka"), clickhouse, only(set, false), configFile, System.getenv());
    } catch (ConfigException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
  }

  private static OneMachineStack startStack(OneMachineStack.Config config) {
    try {
      return OneMachineStack.start(config);
    } catch (StoreException e) {
      throw new UserError("cannot open the ClickHouse store: " + e.getMessage(), e);
    }
  }

  private static Path writeDemoCapture(Path dir) throws IOException {
    Path file = dir.resolve("demo-fleet.pcap");
    DemoFleet fleet = DemoFleet.standard();
    fleet.writePcap(file);
    LOG.info("demo capture: {} TLS sessions from {} hosts written to {} ({} bytes)",
        fleet.sessions().size(), fleet.sessions().stream().map(DemoFleet.Session::host).distinct().count(),
        file, Files.size(file));
    return file;
  }
}
