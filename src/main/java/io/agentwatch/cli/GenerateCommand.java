package io.agentwatch.cli;

import io.agentwatch.capture.synth.SyntheticPcapWriter;
import io.agentwatch.capture.synth.SyntheticTraffic;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Writes a large synthetic capture of overlapping TLS sessions for benchmarks
 * ({@link SyntheticTraffic}: handshake, SNI, uploads, MSS-sized downloads, FIN or RST).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Write a synthetic pcap of many overlapping TLS sessions (for benchmarks).",
        "",
        "About 30 packets per flow with realistic sizes: --flows 40000 gives about 1.2 M packets, 0.9 GB."})
final class GenerateCommand implements Callable<Integer> {

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "pcap file to write.")
  Path out;

  @Option(names = "--flows", paramLabel = "N", defaultValue = "40000", description = "TLS sessions (default: ${DEFAULT-VALUE}).")
  int flows;

  @Option(names = "--span", paramLabel = "SECONDS", defaultValue = "120",
      description = "Sessions start spread over this many seconds of capture time (default: ${DEFAULT-VALUE}).")
  int spanSeconds;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (flows < 1 || flows > 10_000_000) {
      throw new IllegalArgumentException("--flows must be 1..10000000, was " + flows);
    }
    if (spanSeconds < 1) {
      throw new IllegalArgumentException("--span must be at least 1, was " + spanSeconds);
    }
    long packets;
    try (SyntheticPcapWriter writer = SyntheticPcapWriter.create(out)) {
      packets = SyntheticTraffic.tlsSessions(seed, flows, spanSeconds, Instant.parse("2025-06-02T09:00:00Z"), writer::write);
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println(out.getFileName() + ": " + flows + " TLS flows, " + packets + " packets");
    return 0;
  }
}
