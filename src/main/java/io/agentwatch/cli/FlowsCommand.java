package io.agentwatch.cli;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.export.JsonLinesFlowWriter;
import io.agentwatch.capture.source.CaptureException;
import io.agentwatch.capture.source.PcapFileSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the sensor over a capture and prints its flows instead of producing them to Kafka. */
@Command(name = "flows", mixinStandardHelpOptions = true,
    description = {"Print the flows the sensor sees in a capture file.",
        "",
        "All flows, not only those to AI vendors: one JSON object per flow record on stdout",
        "(fields: src_ip src_port dst_ip dst_port transport packets_up packets_down bytes_up",
        "bytes_down first_seen last_seen sni vendor service identified_by end_reason; src is the",
        "initiator, bytes are L3 bytes, times ISO-8601 UTC), a summary on stderr.",
        "Exit codes: 0 done, 1 failure, 2 invalid setting, 3 capture unreadable or cut short",
        "(flows seen before the problem are still printed)."})
final class FlowsCommand implements Callable<Integer> {

  enum Format { jsonl }

  @Option(names = "--read", paramLabel = "FILE", required = true,
      description = "pcap or pcapng file to read.")
  Path file;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Mixin
  SensorOptions sensor;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    SensorStats stats;
    try (PcapFileSource source = openSource(file);
        JsonLinesFlowWriter writer = new JsonLinesFlowWriter(spec.commandLine().getOut())) {
      stats = runSensor(new Sensor(sensor.config(), writer), source, err);
    }
    err.println(Summaries.of(file, stats));
    return 0;
  }

  static PcapFileSource openSource(Path file) {
    try {
      return PcapFileSource.open(file);
    } catch (CaptureException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  /** Runs the sensor to the end of the source; a broken capture is a user error after its flows are out. */
  static SensorStats runSensor(Sensor sensor, PcapFileSource source, PrintWriter err) {
    try {
      return sensor.run(source);
    } catch (CaptureException e) {
      err.println(Summaries.of(source.path(), sensor.stats()));
      throw new UserError(e.getMessage(), 3, e);
    }
  }
}
