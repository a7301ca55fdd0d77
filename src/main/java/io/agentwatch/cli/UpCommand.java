package io.agentwatch.cli;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.export.KafkaExportConfig;
import io.agentwatch.capture.export.KafkaFlowExporter;
import io.agentwatch.capture.source.PcapFileSource;
import io.agentwatch.demo.DemoFleet;
import io.agentwatch.stack.OneMachineStack;
import io.agentwatch.stack.TempDirectory;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Run the whole pipeline on this machine and print per-host totals per AI vendor.",
        "",
        "Starts a Kafka broker (KRaft), the Flink aggregation job and the embedded ClickHouse",
        "engine (chDB) in this process, replays a capture through the sensor into them, and",
        "prints what each host sent to and received from each AI vendor, read from ClickHouse."})
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
      description = "Keep the ClickHouse data here, across runs (totals then include earlier runs). "
          + "Default: a temporary directory removed at exit.")
  Path dataDir;

  @Mixin
  SensorOptions sensor;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (TempDirectory scratch = TempDirectory.create("agentwatch-up")) {
      Path capture = input.demo ? writeDemoCapture(scratch.path()) : input.file;
      // Kafka is scratch: a replay is read once. Only the ClickHouse data may be kept.
      Path clickhouse = dataDir != null ? dataDir.resolve("clickhouse") : scratch.path().resolve("clickhouse");
      OneMachineStack.Config config = new OneMachineStack.Config(scratch.path().resolve("kafka"),
          StoreConfig.embedded(clickhouse.toString()), KafkaExportConfig.DEFAULT_TOPIC, 2, 2);
      try (PcapFileSource source = FlowsCommand.openSource(capture);
          OneMachineStack stack = startStack(config)) {
        SensorStats stats;
        try (KafkaFlowExporter exporter = new KafkaFlowExporter(KafkaExportConfig.of(stack.bootstrapServers()))) {
          stats = FlowsCommand.runSensor(new Sensor(sensor.config(), exporter), source, spec.commandLine().getErr());
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
