package io.agentwatch.cli;

import io.agentwatch.api.ApiServer;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.catalog.CatalogPublisher;
import io.agentwatch.capture.catalog.CatalogSubscriber;
import io.agentwatch.capture.export.KafkaExportConfig;
import io.agentwatch.capture.export.KafkaFlowExporter;
import io.agentwatch.capture.identify.ClientCatalog;
import io.agentwatch.capture.source.CaptureException;
import io.agentwatch.capture.source.DirectFileSource;
import io.agentwatch.capture.source.LiveCaptureConfig;
import io.agentwatch.capture.source.LiveCaptureSource;
import io.agentwatch.capture.source.ReplaySource;
import io.agentwatch.chhttp.ClickHouseHttpConfig;
import io.agentwatch.chhttp.ClickHouseHttpServer;
import io.agentwatch.config.ValueParsers;
import io.agentwatch.delivery.AlertDelivery;
import io.agentwatch.demo.DemoFleet;
import io.agentwatch.stack.DataDirectory;
import io.agentwatch.stack.Feed;
import io.agentwatch.stack.FlinkCluster;
import io.agentwatch.stack.OneMachineStack;
import io.agentwatch.stack.ClientCatalogTable;
import io.agentwatch.stack.VendorCatalogTable;
import io.agentwatch.stack.RunningJob;
import io.agentwatch.stack.StackMetrics;
import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * AgentWatch on one machine, running until stopped: a Kafka broker, the Flink job and the
 * embedded ClickHouse store with their state in the data directory, an HTTP API, and feeds of
 * flow records (live interfaces, a replayed file, the demo fleet, remote sensors).
 */
@Command(name = "up", mixinStandardHelpOptions = true, usageHelpWidth = 120,
    description = {"Run AgentWatch on this machine until stopped (Ctrl-C or SIGTERM).",
        "",
        "Starts a Kafka broker (KRaft) for this machine's sensors, the Flink job and the embedded",
        "ClickHouse engine (chDB), all keeping their state in the data directory, and an HTTP API",
        "(agentwatch query / alerts ask it). Feeds: live capture (--interface), a capture file",
        "(--read), the demo fleet (--demo), and any `agentwatch sensor` pointed at the broker.",
        "Stopping saves the job's state (open windows, detector baselines, offsets); the next `up`",
        "on the same data directory goes on from there: nothing lost, nothing counted twice.",
        "",
        "Examples:",
        "  agentwatch up --demo                       # a demo fleet's traffic in real time",
        "  agentwatch up --interface eth0             # this machine's traffic (root or CAP_NET_RAW)",
        "  agentwatch up --read day.pcap --speed recorded",
        "  agentwatch up                              # remote sensors only",
        "  agentwatch up --kafka kafka-1:9093 --set kafka.security-protocol=SASL_SSL ... \\",
        "      --clickhouse https://ch:8443 --flink http://flink:8081   # on existing clusters"})
final class UpCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(UpCommand.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  @Option(names = "--interface", paramLabel = "IF",
      description = "Capture live on this interface (repeatable); needs root or CAP_NET_RAW.")
  List<String> interfaces = new ArrayList<>();

  @Option(names = "--filter", paramLabel = "BPF",
      description = "Capture only what this BPF filter passes (tcpdump syntax), e.g. 'tcp port 443 or udp port 443 or port 53'.")
  String filter;

  @Option(names = "--read", paramLabel = "FILE", description = "Replay this pcap or pcapng file into the stack.")
  Path file;

  @Option(names = "--speed", paramLabel = "SPEED", defaultValue = "max",
      description = "Pace of --read: max (as fast as it is read), recorded (as captured), or a factor such as 10. Default: ${DEFAULT-VALUE}.")
  String speed;

  @Option(names = "--demo", description = "Keep producing a demo fleet's traffic in real time: 6 hosts, 5 AI vendors, an upload incident every 3 minutes.")
  boolean demo;

  @Option(names = "--kafka", paramLabel = "HOST:PORT,...",
      description = "Use this existing Kafka cluster instead of the embedded broker (setting "
          + OneMachineStack.EXTERNAL_KAFKA + "; security as a sensor's: --set kafka.security-protocol=SASL_SSL ...).")
  String kafka;

  @Option(names = "--clickhouse", paramLabel = "URL",
      description = "Use this ClickHouse server (its HTTP interface, http(s)://host:8123) instead of the embedded engine;"
          + " user and password: --set store.remote.user=..., store.remote.password-file=FILE or $AGENTWATCH_CLICKHOUSE_PASSWORD."
          + " Its version is checked at start (store/README.md says which).")
  String clickhouse;

  @Option(names = "--flink", paramLabel = "URL",
      description = "Submit the job to this Flink cluster (its REST endpoint, http://host:8081) with the job jar of this"
          + " build, instead of running it in this process; it writes the embedded store through this process's ClickHouse"
          + " HTTP interface (a cluster on this machine), or the server of --clickhouse.")
  String flink;

  @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
      description = "Where the HTTP API and the web console listen; an address other than loopback needs http.token-file."
          + " Default: ${DEFAULT-VALUE}.")
  String http;

  @Mixin
  DataDirOption dataDir;

  @Mixin
  StackSettings settings;

  @Mixin
  SensorOptions sensor;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    InetSocketAddress apiAddress = address(http);
    double replaySpeed = speed(speed);
    DataDirectory dir = dataDir.dataDirectory();
    PrintWriter out = spec.commandLine().getOut();
    try (DataDirectory.Lock lock = lockOrExit(dir)) {
      OneMachineStack.Config config = settings.load(dir.kafka(), dir.clickhouse(), false, components());
      requireAuthenticationOffLoopback(config, apiAddress);
      CountDownLatch stop = stopOnSignal();
      SensorConfig base = settings.sensor(sensor);
      LibraryLogs.redirectTo(dir.libraryLog());
      LOG.info("messages of Kafka, Flink and the ClickHouse client go to {}", dir.libraryLog());
      Instant started = Instant.now();
      try (OneMachineStack stack = startStack(config);
          ClickHouseHttpServer clickhouseHttp = startClickHouseHttp(config, stack, dir);
          RunningJob job = startJob(stack, config, dir, clickhouseHttp);
          AlertDelivery delivery = startDelivery(stack, config, dir);
          ApiServer api = startApi(apiAddress, stack, config, dir, delivery);
          CatalogSubscriber catalog = publishCatalog(stack, config, base)) {
        VendorCatalogTable.fill(stack.store(), base.catalog().get(), config.job().detection());
        ClientCatalogTable.fill(stack.store(), ClientCatalog.builtin());
        dir.announce(new DataDirectory.RunningStack(ProcessHandle.current().pid(), api.url(), started));
        List<Feed> feeds = startFeeds(stack, config, base, replaySpeed, dir);
        out.println("AgentWatch is up (" + Duration.between(started, Instant.now()).toMillis() / 100 / 10.0 + " s):");
        out.println("  console      " + api.url() + "/   (web console; HTTP API for agentwatch query, alerts; " + api.url() + "/metrics)");
        out.println("  Kafka        " + stack.bootstrapServers() + "   (" + (config.externalKafka() ? "existing cluster; " : "")
            + "topic " + config.flowsTopic() + "; agentwatch sensor --set kafka.bootstrap-servers=" + stack.bootstrapServers() + ")");
        out.println("  catalog      version " + base.catalog().get().version() + "   (topic " + stack.catalogTopic().topic()
            + ", followed by every sensor; agentwatch catalog publish --catalog FILE changes it)");
        if (stack.sensorBootstrapServers() != null) {
          String protocol = stack.sensorListener().securityProtocol();
          out.println("  sensors      " + stack.sensorBootstrapServers() + "   (SCRAM over " + protocol + ", users of "
              + "kafka.sensors-users-file: agentwatch sensor --set kafka.security-protocol=" + protocol + " ...)");
        }
        if (delivery != null) {
          out.println("  delivery     " + String.join(", ", config.delivery().receivers().stream().map(r -> r.name()).toList())
              + "   (set aside after " + config.delivery().maxAttempts() + " tries: " + delivery.deadLetterFile() + ")");
        }
        out.println("  store        " + stack.store().describe());
        out.println("  job          " + (config.flink() == null ? "in this process (Flink MiniCluster)"
            : "on the Flink cluster at " + config.flink().restUrl() + " (job " + job.client().getJobID() + ")"));
        if (clickhouseHttp != null) {
          out.println("  ClickHouse   " + clickhouseHttp.url() + "   (read-only ClickHouse HTTP interface for Grafana and JDBC"
              + " tools: jdbc:clickhouse://" + config.clickhouseHttp().host() + ":" + clickhouseHttp.port() + "/default)");
        }
        out.println("  data         " + dir);
        out.println("  feeds        " + (feeds.isEmpty() ? "none: remote sensors only" : String.join(", ", feeds.stream().map(Feed::name).toList())));
        out.println("Ctrl-C or SIGTERM stops it; the next `agentwatch up` goes on from where it stopped.");
        out.flush();
        stop.await();
        LOG.info("stopping: feeds, then the job with a savepoint");
        feeds.forEach(Feed::stop);
        feeds.forEach(Feed::close);
        feeds.forEach(feed -> dir.saveLastSequence(feed.sensorId(), feed.lastSequence()));
        try {
          job.stop(STOP_TIMEOUT);
        } catch (Exception e) {
          // The newest retained checkpoint is restored instead: nothing is lost, it only replays a little more.
          LOG.warn("the job's savepoint failed ({}); the next start restores its newest checkpoint", e.toString());
        }
      }
    }
    out.println("AgentWatch stopped; its state is in " + dir + ".");
    out.flush();
    return 0;
  }

  /**
   * SIGINT and SIGTERM end the wait instead of the JVM: the stack then stops in order (feeds,
   * job savepoint, API, broker, store) before the process exits, and no library's shutdown hook
   * pulls a part away underneath.
   */
  static CountDownLatch stopOnSignal() {
    CountDownLatch stop = new CountDownLatch(1);
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), signal -> stop.countDown());
    }
    return stop;
  }

  /** The external components named by their flags, as the settings they stand for. */
  private Map<String, String> components() {
    Map<String, String> chosen = new java.util.LinkedHashMap<>();
    if (kafka != null) {
      chosen.put(OneMachineStack.EXTERNAL_KAFKA, kafka);
    }
    if (clickhouse != null) {
      chosen.put(StoreConfig.KIND, "remote");
      chosen.put(StoreConfig.REMOTE_URL, clickhouse);
    }
    if (flink != null) {
      chosen.put(FlinkCluster.REST_URL, flink);
    }
    return chosen;
  }

  static DataDirectory.Lock lockOrExit(DataDirectory dir) {
    try {
      return dir.lock();
    } catch (IllegalStateException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
  }

  private static OneMachineStack startStack(OneMachineStack.Config config) {
    try {
      return OneMachineStack.start(config);
    } catch (StoreException e) {
      throw new UserError("cannot open the ClickHouse store: " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      throw new UserError(e.getMessage(), 2, e); // an existing Kafka cluster that does not answer, named
    }
  }

  /**
   * Puts the effective catalog (built-in + --catalog files) on the catalog topic for every sensor,
   * and has this stack's own sensors follow the topic too, so `agentwatch catalog publish` changes
   * them all without a restart.
   */
  private static CatalogSubscriber publishCatalog(OneMachineStack stack, OneMachineStack.Config config, SensorConfig base) {
    CatalogPublisher.publish(stack.catalogTopic(), base.catalog().get(), "agentwatch up (process " + ProcessHandle.current().pid() + ")");
    // The vendors table names the vendors of the catalog in use: a new one brings its rows.
    return CatalogSubscriber.start(stack.catalogTopic(), base.catalog(), next -> {
      try {
        VendorCatalogTable.fill(stack.store(), next, config.job().detection());
      } catch (StoreException e) {
        throw new IllegalStateException("the vendors table was not refreshed: " + e.getMessage(), e);
      }
    });
  }

  /** Alerts to the configured receivers, from the stack's alerts topic; null when there are none. */
  private static AlertDelivery startDelivery(OneMachineStack stack, OneMachineStack.Config config, DataDirectory dir) {
    if (!config.delivery().hasReceivers()) {
      return null;
    }
    if (config.alertsTopic() == null) {
      LOG.warn("delivery.receivers are set but the job writes no alerts topic (kafka.alerts-topic): nothing to deliver");
      return null;
    }
    return AlertDelivery.start(config.delivery(), stack.bootstrapServers(), config.alertsTopic(), stack.kafka().clientProperties(),
        dir.path().resolve("delivery"), DeliverySettings.productVersion());
  }

  private static ApiServer startApi(InetSocketAddress address, OneMachineStack stack, OneMachineStack.Config config,
      DataDirectory dir, AlertDelivery delivery) throws IOException {
    StackMetrics metrics = new StackMetrics(stack.store(), stack.kafka(), config.flowsTopic(),
        config.job().consumerGroup(), dir.checkpoints(), config.job().checkpointInterval(), Clock.systemUTC());
    try {
      return ApiServer.start(address, config.http(), stack.store(), Clock.systemUTC(), out -> {
        try {
          StackMetrics.write(metrics.snapshot(), out);
          if (delivery != null) {
            StackMetrics.write(delivery.metrics(), out);
          }
        } catch (StoreException e) {
          throw new IllegalStateException("the store does not answer: " + e.getMessage(), e);
        }
      }, metrics::health);
    } catch (BindException e) {
      throw new UserError("--http " + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage()
          + " (another program listens there; choose another with --http)", 2, e);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), 2, e); // unusable TLS files, named
    }
  }

  /** Before anything starts: the console off loopback shows the fleet's traffic to whoever reaches it. */
  private static void requireAuthenticationOffLoopback(OneMachineStack.Config config, InetSocketAddress address) {
    try {
      config.http().requireAuthenticationOffLoopback(address);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
  }

  /** The embedded store's read-only ClickHouse HTTP interface, or null (switched off, or the store is a server already). */
  private static ClickHouseHttpServer startClickHouseHttp(OneMachineStack.Config config, OneMachineStack stack,
      DataDirectory dir) throws IOException, StoreException {
    ClickHouseHttpConfig http = config.clickhouseHttp();
    if (http == null) {
      return null;
    }
    if (!(stack.store() instanceof EmbeddedChdbStore embedded)) {
      LOG.info("{} is not served over HTTP: the store is a ClickHouse server, point Grafana and JDBC tools at it", ClickHouseHttpConfig.LISTEN);
      return null;
    }
    if (config.flink() != null) {
      http = FlinkCluster.writerFor(http, clusterWriterPassword(dir));
    }
    try {
      return ClickHouseHttpServer.start(http, embedded);
    } catch (BindException e) {
      throw new UserError(ClickHouseHttpConfig.LISTEN + " " + http.host() + ":" + http.port() + ": " + e.getMessage()
          + " (another program, perhaps a ClickHouse server, listens there; choose another with --set "
          + ClickHouseHttpConfig.LISTEN + "=HOST:PORT, or off)", 2, e);
    }
  }

  /** Where the password of the writer a cluster's job uses is kept (owner-only), for its TaskManagers to read. */
  private static Path clusterWriterPassword(DataDirectory dir) {
    return dir.path().resolve("clickhouse-writer.password");
  }

  /**
   * The job, in this process or on the Flink cluster; a cluster's job writes the embedded store
   * through this process's ClickHouse HTTP interface.
   */
  private static RunningJob startJob(OneMachineStack stack, OneMachineStack.Config config, DataDirectory dir,
      ClickHouseHttpServer clickhouseHttp) throws Exception {
    StoreConfig jobStore = null;
    if (config.flink() != null && clickhouseHttp != null) {
      jobStore = FlinkCluster.storeThrough(clickhouseHttp.url(), clickhouseHttp.config(), clusterWriterPassword(dir));
    }
    try {
      return stack.startJob(dir.checkpoints(), dir.savepoints(), jobStore);
    } catch (Exception e) {
      if (config.flink() == null) {
        throw e;
      }
      throw new UserError("--flink " + config.flink().restUrl() + ": the job was not accepted: " + rootMessage(e), 2, e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  private List<Feed> startFeeds(OneMachineStack stack, OneMachineStack.Config config, SensorConfig base,
      double replaySpeed, DataDirectory dir) throws CaptureException {
    KafkaExportConfig export = new KafkaExportConfig(stack.bootstrapServers(), config.flowsTopic(),
        stack.kafka().clientProperties());
    List<Feed> feeds = new ArrayList<>();
    if (!interfaces.isEmpty()) {
      LiveCaptureSource live = openLive(LiveCaptureConfig.defaults(interfaces).withFilter(filter));
      feeds.add(Feed.start("live " + String.join("+", interfaces), feedSensor(base, "live", dir), () -> new KafkaFlowExporter(export),
          once(live)));
    }
    if (file != null) {
      ReplaySource replay = new ReplaySource(FlowsCommand.openFile(file), replaySpeed);
      feeds.add(Feed.start("file " + file.getFileName(), feedSensor(base, "file", dir), () -> new KafkaFlowExporter(export),
          once(replay)));
    }
    if (demo) {
      feeds.add(Feed.start("demo fleet", feedSensor(base, "demo", dir), () -> new KafkaFlowExporter(export), demoRounds(dir)));
    }
    return feeds;
  }

  private static LiveCaptureSource openLive(LiveCaptureConfig config) {
    try {
      return LiveCaptureSource.open(config);
    } catch (CaptureException e) {
      String message = e.getMessage();
      if (message != null && (message.contains("ermission") || message.contains("not permitted"))) {
        message += "; capturing needs root or the capture right: sudo setcap cap_net_raw,cap_net_admin=eip "
            + "\"$(readlink -f \"$(command -v java)\")\" (or run the systemd unit in deploy/systemd)";
      }
      throw new UserError("--interface: " + message, 2, e);
    }
  }

  /** Each feed is a sensor of its own, numbering its records on from its previous run. */
  private static SensorConfig feedSensor(SensorConfig base, String feed, DataDirectory dir) {
    String id = base.sensorId() + "/" + feed;
    return new SensorConfig(id, base.flowTable(), base.catalog(), base.hosts(), dir.lastSequence(id));
  }

  private static Feed.Rounds once(io.agentwatch.capture.source.PacketSource source) {
    boolean[] given = {false};
    return () -> {
      if (given[0]) {
        return null;
      }
      given[0] = true;
      return source;
    };
  }

  /** Three minutes of demo traffic at a time, stamped from now on and replayed at the recorded pace. */
  private static Feed.Rounds demoRounds(DataDirectory dir) {
    AtomicLong round = new AtomicLong();
    return () -> {
      Path capture = dir.path().resolve("demo-fleet.pcap");
      try {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        DemoFleet.withIncident(start, 20261102L + round.getAndIncrement()).writePcap(capture);
        ReplaySource replay = new ReplaySource(DirectFileSource.open(capture), 1);
        Files.deleteIfExists(capture); // the reader has it open; nothing stays behind
        return replay;
      } catch (IOException e) {
        throw new CaptureException("cannot write the demo capture " + capture + ": " + e.getMessage(), e);
      }
    };
  }

  static InetSocketAddress address(String hostPort) {
    try {
      ValueParsers.HostPort address = ValueParsers.hostPort(hostPort);
      return new InetSocketAddress(address.host(), address.port());
    } catch (IllegalArgumentException e) {
      throw new UserError("--http: " + e.getMessage(), 2, e);
    }
  }

  static double speed(String text) {
    switch (text) {
      case "max":
        return 0;
      case "recorded":
        return 1;
      default:
        try {
          double factor = Double.parseDouble(text);
          if (factor > 0 && Double.isFinite(factor)) {
            return factor;
          }
        } catch (NumberFormatException e) {
          // the message below says what is expected
        }
        throw new UserError("--speed: '" + text + "' is not max, recorded or a positive factor such as 10", 2, null);
    }
  }
}
