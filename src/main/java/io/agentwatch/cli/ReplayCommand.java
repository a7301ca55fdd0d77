package io.agentwatch.cli;

import io.agentwatch.api.QueryResult;
import io.agentwatch.api.ResultFormat;
import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.export.KafkaExportConfig;
import io.agentwatch.capture.export.KafkaFlowExporter;
import io.agentwatch.capture.identify.ClientCatalog;
import io.agentwatch.capture.source.DirectFileSource;
import io.agentwatch.capture.source.PacketSource;
import io.agentwatch.demo.DemoFleet;
import io.agentwatch.stack.DataDirectory;
import io.agentwatch.stack.OneMachineStack;
import io.agentwatch.stack.ClientCatalogTable;
import io.agentwatch.stack.VendorCatalogTable;
import io.agentwatch.stack.TempDirectory;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.NamedQueries;
import io.agentwatch.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The whole pipeline on one machine, once: broker, sensor, Flink job, embedded ClickHouse. Replays a
 * capture through it, waits until every window and alert is written, prints what each host sent
 * to each AI vendor and exits: for scripts and for looking at a capture.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, usageHelpWidth = 120,
    description = {"Replay a capture through the whole pipeline, print per-host totals per AI vendor, and exit.",
        "",
        "Starts a Kafka broker (KRaft), the Flink job and the embedded ClickHouse engine (chDB) in",
        "this process, replays the capture through the sensor into them as fast as it can be read,",
        "waits until every window and alert is written, and prints what each host sent to and",
        "received from each AI vendor, read from ClickHouse. `agentwatch up` runs until stopped.",
        "",
        "Results go to stdout, AgentWatch's own messages to stderr; the libraries' start-up messages",
        "(Kafka, Flink, ClickHouse) go to a log file in the run's directory, named once on stderr.",
        "Settings of the job and the stack (listed below) come from the YAML file (--config), then",
        "AGENTWATCH_* environment variables, then --set KEY=VALUE (strongest)."})
final class ReplayCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ReplayCommand.class);

  static final class Input {
    @Parameters(paramLabel = "FILE", description = "pcap or pcapng file to replay.")
    Path file;

    @Option(names = "--demo", description = "Replay a generated demo capture: 12 hosts with 75 minutes of ordinary AI traffic"
        + " (enough for the per-host baselines to warm up), then a 110 MB upload to DeepSeek and a 12-minute sustained"
        + " upload to OpenAI. Unless given with --set, the demo tags DeepSeek unsanctioned (detect.policy.vendors.deepseek)"
        + " and lets first contacts alert after 1 hour of a host's history (detect.first-contact.warmup, 1 day by default).")
    boolean demo;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Keep the ClickHouse data here, across runs (totals then include earlier runs; "
          + "`agentwatch query --data-dir DIR` reads it), and the libraries' log (libraries.log). Default: a temporary "
          + "directory removed at exit, the log in a temporary file.")
  Path dataDir;

  @Mixin
  StackSettings settings;

  @Mixin
  SensorOptions sensor;

  @Spec
  CommandSpec spec;


  @Override
  public Integer call() throws Exception {
    // A data directory has one owner: a running `up` there is named, and this replay stops (exit 2).
    try (DataDirectory.Lock lock = dataDir != null ? UpCommand.lockOrExit(new DataDirectory(dataDir)) : null;
        TempDirectory scratch = TempDirectory.create("agentwatch-replay")) {
      // Kafka is scratch: a replay is read once. Only the ClickHouse data may be kept.
      if (input.demo) {
        // The demo's history is 75 minutes, not the day first contacts wait for by default; and it shows a policy.
        DEMO_SETTINGS.forEach(settings.set::putIfAbsent);
      }
      OneMachineStack.Config config = stackConfig(scratch.path());
      SensorConfig sensorConfig = settings.sensor(sensor);
      Path libraryLog = dataDir != null ? new DataDirectory(dataDir).libraryLog()
          : Files.createTempFile("agentwatch-replay-", ".log").toAbsolutePath();
      LibraryLogs.redirectTo(libraryLog);
      LOG.info("messages of Kafka, Flink and the ClickHouse client go to {}", libraryLog);
      Path capture = input.demo ? writeDemoCapture(scratch.path()) : input.file;
      try (PacketSource source = FlowsCommand.openFile(capture);
          OneMachineStack stack = startStack(config)) {
        VendorCatalogTable.fill(stack.store(), sensorConfig.catalog().get(), config.job().detection());
        ClientCatalogTable.fill(stack.store(), ClientCatalog.builtin());
        SensorStats stats;
        KafkaExportConfig export = new KafkaExportConfig(stack.bootstrapServers(), config.flowsTopic(), Map.of());
        try (KafkaFlowExporter exporter = new KafkaFlowExporter(export)) {
          stats = FlowsCommand.runSensor(new Sensor(sensorConfig, exporter), source, spec.commandLine().getErr());
        }
        LOG.info("sensor: {}", Summaries.of(capture, stats));
        stack.aggregateAvailableFlows();
        printResults(stack.store(), spec.commandLine().getOut());
      }
    }
    return 0;
  }

  static final Map<String, String> DEMO_SETTINGS = Map.of(
      "detect.first-contact.warmup", "1h", "detect.policy.vendors.deepseek", "unsanctioned");

  /** The stack's settings from --set, --config and the environment; a bad one is exit code 2, naming it. */
  OneMachineStack.Config stackConfig(Path scratch) {
    Path clickhouse = dataDir != null ? new DataDirectory(dataDir).clickhouse() : scratch.resolve("clickhouse");
    return settings.load(scratch.resolve("kafka"), clickhouse, true);
  }

  /** Per-host totals and the newest alerts, as tables for people. */
  static void printResults(ClickHouseStore store, PrintWriter out) throws StoreException {
    Instant now = Instant.now();
    out.println("Per host and AI vendor, from ClickHouse (" + store.describe() + "):");
    ResultFormat.TABLE.write(QueryResult.run(store, NamedQueries.get("host_totals"), Map.of(), now), out, ZoneId.systemDefault());
    QueryResult alerts = QueryResult.run(store, NamedQueries.get("alerts"), Map.of("limit", "20"), now);
    out.println(alerts.rows().isEmpty() ? "No alerts." : "Alerts (newest first, at most 20; all of them: agentwatch alerts):");
    if (!alerts.rows().isEmpty()) {
      ResultFormat.TABLE.write(alerts.select(AlertsCommand.TABLE_COLUMNS), out, ZoneId.systemDefault());
    }
    out.flush();
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
