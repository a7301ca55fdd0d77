package io.agentwatch.cli;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.SensorWarmUp;
import io.agentwatch.capture.export.BackgroundFlowSink;
import io.agentwatch.capture.export.CsvFlowWriter;
import io.agentwatch.capture.export.FlowSink;
import io.agentwatch.capture.export.JsonLinesFlowWriter;
import io.agentwatch.capture.source.CaptureException;
import io.agentwatch.capture.source.DirectFileSource;
import io.agentwatch.capture.source.LiveCaptureConfig;
import io.agentwatch.capture.source.LiveCaptureSource;
import io.agentwatch.capture.source.PacketSource;
import io.agentwatch.capture.source.PcapFileSource;
import io.agentwatch.schema.FlowRecord;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the sensor over a capture file or live interfaces and prints its flows instead of producing them to Kafka. */
@Command(name = "flows", mixinStandardHelpOptions = true,
    description = {"Print the flows the sensor sees in a capture file or on live interfaces.",
        "",
        "All flows, not only those to AI vendors (unless --vendors-only): one JSON object (jsonl) or CSV",
        "line per flow record on stdout (fields: src_ip src_port dst_ip dst_port transport packets_up",
        "packets_down bytes_up bytes_down first_seen last_seen sni vendor service identified_by end_reason;",
        "src is the initiator, bytes are L3 bytes, times ISO-8601 UTC), statistics on stderr, and a",
        "progress line while it runs when stderr is a terminal. A live capture runs until SIGINT/SIGTERM,",
        "then exports every open flow.",
        "Exit codes: 0 done, 1 failure, 2 invalid setting, 3 capture unreadable or cut short",
        "(flows seen before the problem are still printed)."})
final class FlowsCommand implements Callable<Integer> {

  enum Format { jsonl, csv }

  /**
   * direct: the memory-mapped pcap/pcapng reader, about ten times faster than libpcap (no JNA call
   * per frame) and able to read pcapng files mixing link types; libpcap: pcap4j, the reference, and
   * the reader used for --filter on a file since BPF runs inside libpcap.
   */
  enum Reader { direct, libpcap }

  static final class Input {
    @Option(names = "--read", paramLabel = "FILE", required = true, description = "pcap or pcapng file to read.")
    Path file;

    @Option(names = "--interface", paramLabel = "IF", required = true,
        description = "Capture live on this interface (repeatable for several); needs root or CAP_NET_RAW.")
    List<String> interfaces;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--vendors-only", description = "Print only flows identified as going to an AI vendor.")
  boolean vendorsOnly;

  @Option(names = "--filter", paramLabel = "BPF",
      description = "BPF filter (tcpdump syntax), e.g. 'tcp port 443 or udp port 443 or port 53'.")
  String filter;

  @Option(names = "--reader", paramLabel = "READER",
      description = "File reader: direct (memory-mapped, fastest; the default) or libpcap (pcap4j; used by "
          + "default when --filter is given, as BPF runs inside libpcap).")
  Reader reader;

  @Option(names = "--snaplen", paramLabel = "BYTES", defaultValue = "262144",
      description = "Live: bytes kept of each packet (default: ${DEFAULT-VALUE}; SNI needs the whole ClientHello).")
  int snapLength;

  @Option(names = "--promiscuous", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Live: also see frames for other hosts, e.g. on a SPAN port (default: on).")
  boolean promiscuous;

  @Option(names = "--buffer-size", paramLabel = "BYTES", defaultValue = "33554432",
      description = "Live: kernel capture buffer; larger absorbs bursts without drops (default: ${DEFAULT-VALUE}).")
  int bufferBytes;

  @Option(names = "--immediate", negatable = true, defaultValue = "false", fallbackValue = "true",
      description = "Live: deliver each packet at once rather than in batches every 100 ms; costs a wake-up per "
          + "packet and loses packets on a busy link (default: off).")
  boolean immediate;

  @Option(names = "--warm-up", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Live: before capturing, run a few seconds of synthetic traffic through the sensor so the JIT "
          + "has compiled the packet path; a cold sensor drops packets on a busy link (default: on).")
  boolean warmUp;

  @Mixin
  SensorOptions sensor;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PacketSource source = open();
    StopOnSignal stopOnSignal = source instanceof LiveCaptureSource live ? StopOnSignal.install(live) : null;
    try {
      SensorStats stats;
      try (source; FlowSink out = output()) {
        SensorConfig config = sensor.config();
        if (source instanceof LiveCaptureSource live) {
          startLive(live, config, err);
        }
        Sensor running = new Sensor(config, out);
        try (Summaries.ProgressLine progress = Summaries.ProgressLine.startIfTerminal(source.name(), running, err)) {
          stats = runSensor(running, source, err);
        }
      }
      err.println(Summaries.of(source.name(), stats));
      err.flush();
      return 0;
    } finally {
      if (stopOnSignal != null) {
        stopOnSignal.finished();
      }
    }
  }

  /**
   * Warms the packet path up while the capture is held (unless --no-warm-up; SIGINT/SIGTERM cut it
   * short), then says it captures.
   */
  private void startLive(LiveCaptureSource live, SensorConfig config, PrintWriter err) {
    if (warmUp) {
      err.println(live.name() + ": opened; warming up the packet path before capturing ...");
      err.flush();
      try (FlowSink discard = writer(Writer.nullWriter())) {
        err.println("warm-up: " + SensorWarmUp.run(config, discard, SensorWarmUp.DEFAULT_LIMIT, live::isStopped));
      }
    }
    if (!live.isStopped()) {
      err.println(live.name() + ": capturing; SIGINT (Ctrl-C) or SIGTERM stops and prints the open flows");
    }
    err.flush();
  }

  /**
   * Where the records go: written on a second thread, so that formatting them stays off the packet
   * loop (40 000 records as JSON were a sixth of its time reading a file, 5 % of a live capture
   * thread at 250 000 packets/s; BENCHMARKS.md, Sensor). A live capture's records still show within
   * about a second ({@link FlowSink#tick}).
   */
  private FlowSink output() {
    FlowSink written = new BackgroundFlowSink(writer(), "flow-writer");
    return vendorsOnly ? new VendorsOnly(written) : written;
  }

  private FlowSink writer() {
    return writer(spec.commandLine().getOut());
  }

  private FlowSink writer(Writer out) {
    return format == Format.csv ? new CsvFlowWriter(out) : new JsonLinesFlowWriter(out);
  }

  private PacketSource open() {
    try {
      if (input.interfaces != null) {
        if (reader != null) {
          throw new UserError("--reader applies to --read only", 2, null);
        }
        LiveCaptureConfig live = LiveCaptureConfig.defaults(input.interfaces).withFilter(filter)
            .withSnapLength(snapLength).withPromiscuous(promiscuous).withBufferBytes(bufferBytes).withImmediate(immediate);
        // Held closed during the warm-up: its seconds neither fill the kernel buffer nor count as drops.
        return warmUp ? LiveCaptureSource.openHeld(live) : LiveCaptureSource.open(live);
      }
      if (filter != null && reader == Reader.direct) {
        throw new UserError("--filter on a file needs --reader libpcap (BPF runs inside libpcap)", 2, null);
      }
      if (filter != null || reader == Reader.libpcap) {
        return PcapFileSource.open(input.file, filter);
      }
      return DirectFileSource.open(input.file);
    } catch (CaptureException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  /** Opens a file with the default reader (no libpcap needed); used by `up`. */
  static PacketSource openFile(Path file) {
    try {
      return DirectFileSource.open(file);
    } catch (CaptureException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  /** Runs the sensor to the end of the source; a broken capture is a user error after its flows are out. */
  static SensorStats runSensor(Sensor sensor, PacketSource source, PrintWriter err) {
    try {
      return sensor.run(source);
    } catch (CaptureException e) {
      err.println(Summaries.of(source.name(), sensor.stats()));
      throw new UserError(e.getMessage(), 3, e);
    }
  }

  /** Passes on only the records the catalog attributed to a vendor. */
  private static final class VendorsOnly implements FlowSink {
    private final FlowSink next;

    VendorsOnly(FlowSink next) {
      this.next = next;
    }

    @Override
    public void accept(FlowRecord record) {
      if (record.getVendor() != null) {
        next.accept(record);
      }
    }

    @Override
    public void flush() {
      next.flush();
    }

    @Override
    public void tick() {
      next.tick();
    }

    @Override
    public void close() {
      next.close();
    }
  }

  /**
   * On SIGINT/SIGTERM stops the live capture and holds the JVM's shutdown until the sensor has
   * exported its open flows and printed its statistics (at most 30 s).
   */
  private static final class StopOnSignal {
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private StopOnSignal(LiveCaptureSource source) {
      this.hook = new Thread(() -> {
        source.stop();
        try {
          finished.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "stop-capture");
    }

    static StopOnSignal install(LiveCaptureSource source) {
      StopOnSignal stop = new StopOnSignal(source);
      Runtime.getRuntime().addShutdownHook(stop.hook);
      return stop;
    }

    void finished() {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it returns now that the flows are out
      }
    }
  }
}
