package io.agentwatch.cli;

import io.agentwatch.capture.catalog.CatalogPublisher;
import io.agentwatch.capture.catalog.CatalogTopic;
import io.agentwatch.capture.export.KafkaExportConfig;
import io.agentwatch.capture.identify.CatalogException;
import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.capture.service.SensorServiceConfig;
import io.agentwatch.config.ConfigException;
import io.agentwatch.config.Settings;
import io.agentwatch.reidentify.StoredFlows;
import io.agentwatch.schema.PublishedCatalog;
import io.agentwatch.stack.DataDirectory;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.NamedQuery;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.StoreException;
import io.agentwatch.store.Stores;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The endpoint catalog after deployment: publish a new one to the sensors, re-identify what is stored. */
@Command(name = "catalog", mixinStandardHelpOptions = true,
    subcommands = {CatalogCommand.Publish.class, CatalogCommand.Reidentify.class},
    description = {"Change the endpoint catalog without redeploying sensors.",
        "",
        "The catalog names AI vendors and services by host name and address range: the built-in one plus",
        "user files (YAML, see docs/catalog.md). `agentwatch up` publishes its effective catalog to the",
        "compacted Kafka topic 'catalog'; every sensor that exports to Kafka follows that topic (catalog.topic)",
        "and identifies flows with the newest version within seconds; each flow record names the version",
        "(catalog_version).",
        "",
        "  agentwatch catalog publish --catalog ours.yaml                 # to the broker of `up` on this machine",
        "  agentwatch catalog publish --kafka kafka-1:9092 --catalog ours.yaml",
        "  agentwatch catalog reidentify --since 7d --catalog ours.yaml   # stored flows, after a change"})
final class CatalogCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The catalog a command works with: the built-in one and the files, checked; a bad file is exit code 2 with file and line. */
  static EndpointCatalog catalog(List<Path> files) {
    try {
      return files.isEmpty() ? EndpointCatalog.builtin() : EndpointCatalog.builtinWith(files);
    } catch (CatalogException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
  }

  static long services(EndpointCatalog catalog) {
    return catalog.files().stream().flatMap(file -> file.vendors().stream()).mapToLong(vendor -> vendor.services().size()).sum();
  }

  @Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Publish the effective catalog (built-in + files, checked) to the catalog topic.",
          "",
          "Sensors following the topic (catalog.topic, on by default for `agentwatch sensor` and `up`'s own",
          "sensors) switch to it within seconds; one that finds it unusable logs why and keeps its catalog.",
          "The topic is created, compacted, when missing. The Kafka settings are the sensor's (kafka.*), so a",
          "sensor's configuration file works here: --config /etc/agentwatch/sensor.yaml.",
          "",
          "Examples:",
          "  agentwatch catalog publish --catalog ours.yaml                  # up's broker, 127.0.0.1:9092",
          "  agentwatch catalog publish --kafka kafka-1:9092 --catalog ours.yaml",
          "  agentwatch catalog publish --config /etc/agentwatch/sensor.yaml --catalog ours.yaml"})
  static final class Publish implements Callable<Integer> {

    static final String DEFAULT_KAFKA = "127.0.0.1:9092";

    @Option(names = "--catalog", paramLabel = "FILE",
        description = "A catalog file (YAML) extending or overriding the built-in one; repeatable, later files win.")
    List<Path> catalogs = new ArrayList<>();

    @Option(names = "--kafka", paramLabel = "HOST:PORT,...",
        description = "The Kafka cluster (kafka.bootstrap-servers). Default: " + DEFAULT_KAFKA + ", the broker of `agentwatch up`.")
    String kafka;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The catalog topic (catalog.topic). Default: "
        + CatalogTopic.DEFAULT_TOPIC + ".")
    String topic;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "A sensor's YAML configuration: its kafka.* keys (security included), catalog.files and catalog.topic are used.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "A sensor setting (kafka.security-protocol, kafka.sasl-username, ...); repeatable.")
    Map<String, String> set = new LinkedHashMap<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      Map<String, Object> given = new LinkedHashMap<>(set);
      if (kafka != null) {
        given.put("kafka.bootstrap-servers", kafka);
      }
      if (topic != null) {
        given.put("catalog.topic", topic);
      }
      CatalogTopic target;
      List<Path> files;
      try {
        Settings settings = Settings.load(SensorServiceConfig.SETTINGS, configFile, System.getenv(), given);
        if (!settings.isSet("kafka.bootstrap-servers")) {
          given.put("kafka.bootstrap-servers", DEFAULT_KAFKA);
          settings = Settings.load(SensorServiceConfig.SETTINGS, configFile, System.getenv(), given);
        }
        KafkaExportConfig client = SensorServiceConfig.kafka(settings);
        String topicName = settings.text("catalog.topic");
        if ("off".equalsIgnoreCase(topicName)) {
          settings.problem("catalog.topic", "is off; name the topic to publish to");
        } else {
          settings.parse("catalog.topic", CatalogTopic::requireTopicName);
        }
        files = new ArrayList<>(settings.list("catalog.files").stream().map(Path::of).toList());
        settings.throwIfProblems();
        target = new CatalogTopic(client.bootstrapServers(), topicName, client.clientProperties());
      } catch (ConfigException e) {
        throw new UserError(e.getMessage(), 2, e);
      }
      files.addAll(catalogs);
      EndpointCatalog catalog = catalog(files);
      PublishedCatalog published;
      try {
        published = CatalogPublisher.publish(target, catalog, "agentwatch catalog publish on " + hostName());
      } catch (IllegalStateException e) {
        throw new UserError(e.getMessage(), 1, e);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("published catalog version " + published.getVersion() + " (" + catalog.files().size() + " files, "
          + services(catalog) + " services) to topic '" + target.topic() + "' at " + target.bootstrapServers()
          + "; sensors following it switch within seconds");
      out.flush();
      return 0;
    }

    private static String hostName() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return "unknown host";
      }
    }
  }

  @Command(name = "reidentify", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Re-identify stored flows with the catalog (built-in + files), as the sensor would now.",
          "",
          "Each stored flow's evidence (SNI, QUIC or not, ECH, DNS name, endpoint address) goes through the",
          "sensor's own matcher; rows whose vendor, service, category, evidence, confidence or resource change",
          "are rewritten with the new ones and the catalog's version (catalog_version), and the per-minute,",
          "hour and day totals of the hosts and times concerned are rebuilt from them. Not changed: rows",
          "identified by an HTTP Host (no Host is stored), the job's windows and alerts, the first/last",
          "contact of a host with a vendor, and flows a sensor with export.scope ai never sent.",
          "",
          "The embedded store is opened from the data directory: stop `agentwatch up` on it first.",
          "",
          "Examples:",
          "  agentwatch catalog reidentify --since 7d --catalog ours.yaml --dry-run",
          "  agentwatch catalog reidentify --since 2026-12-01 --catalog ours.yaml",
          "  agentwatch catalog reidentify --since 7d --set store.kind=remote --set store.remote.url=http://clickhouse:8123"})
  static final class Reidentify implements Callable<Integer> {

    @Option(names = "--since", paramLabel = "TIME", defaultValue = "7d",
        description = "Flows last seen at or after this time: 7d or 24h ago, 2026-12-01 (UTC), 2026-12-01T08:00:00Z. Default: ${DEFAULT-VALUE}.")
    String since;

    @Option(names = "--catalog", paramLabel = "FILE",
        description = "A catalog file (YAML) extending or overriding the built-in one; repeatable, later files win.")
    List<Path> catalogs = new ArrayList<>();

    @Option(names = "--dry-run", description = "Only list what would change.")
    boolean dryRun;

    @Mixin
    DataDirOption dataDir;

    @Mixin
    StoreSettings store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws StoreException {
      Instant from = NamedQuery.time(since.strip(), Instant.now().truncatedTo(ChronoUnit.SECONDS));
      if (from == null) {
        throw new UserError("--since '" + since + "' is not a time: give 2026-12-01T08:00:00Z, 2026-12-01 (UTC), or a duration"
            + " ago (24h, 7d)", 2, null);
      }
      EndpointCatalog catalog = catalog(catalogs);
      PrintWriter out = spec.commandLine().getOut();
      DataDirectory dir = dataDir.dataDirectory();
      store.set.putIfAbsent(StoreConfig.EMBEDDED_PATH, dir.clickhouse().toString());
      StoreConfig config = store.load(false).store();
      boolean embedded = config.kind() == StoreConfig.Kind.EMBEDDED;
      if (config.cluster() != null && !dryRun) {
        // The rewrite deletes and rebuilds rows table by table on one server; on a cluster those are
        // the shards' _local tables, each with its own part of the rows and views. Not built yet.
        throw new UserError(StoreConfig.CLUSTER + "=" + config.cluster() + ": catalog reidentify cannot rewrite stored flows on"
            + " a cluster yet (only on one server or the embedded store); --dry-run lists what would change", 2, null);
      }
      if (embedded && !dir.hasStore()) {
        throw new UserError("no AgentWatch data in " + dir + ": give --data-dir, or a ClickHouse server with --set store.kind=remote", 1, null);
      }
      // The embedded engine locks its directory: a running `up` holds it, and the lock says which process.
      try (DataDirectory.Lock lock = embedded ? UpCommand.lockOrExit(dir) : null;
          ClickHouseStore opened = Stores.open(config)) {
        StoredFlows flows = new StoredFlows(opened, catalog);
        List<StoredFlows.Change> changes = flows.changes(from);
        long affected = changes.stream().mapToLong(StoredFlows.Change::flows).sum();
        changes.forEach(change -> out.println("  " + change));
        if (dryRun) {
          out.println(affected + " stored flows since " + from + " would change with catalog version " + catalog.version()
              + " (dry run: nothing changed)");
        } else {
          long rewritten = flows.apply(from, changes);
          out.println(rewritten + " stored flows since " + from + " re-identified with catalog version " + catalog.version()
              + " in " + opened.describe());
        }
      }
      out.flush();
      return 0;
    }
  }
}
