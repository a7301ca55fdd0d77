package io.agentwatch.capture.service;

import io.agentwatch.capture.catalog.CatalogTopic;
import io.agentwatch.capture.export.ExportScope;
import io.agentwatch.config.KafkaClientSecurity;
import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import io.agentwatch.config.ValueParsers;
import io.agentwatch.capture.export.KafkaExportConfig;
import io.agentwatch.capture.flow.FlowTableConfig;
import io.agentwatch.capture.host.Pseudonymizer;
import io.agentwatch.capture.source.LiveCaptureConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@code agentwatch sensor} needs, typed and checked: built from {@link Settings} (YAML
 * file, {@code AGENTWATCH_*} environment variables, flags) by {@link #from}, which reports every
 * bad key, value and unreadable file at once. {@link #SETTINGS} is the one list of keys: --help,
 * the documentation and the loader all read it.
 */
public record SensorServiceConfig(
    String sensorId,
    LiveCaptureConfig live,
    boolean warmUp,
    Path read,
    boolean replayAtRecordedSpeed,
    FlowTableConfig flows,
    List<Path> catalogs,
    String catalogTopic,
    Hosts hosts,
    ExportScope scope,
    KafkaExportConfig kafka,
    Path spoolDirectory,
    long spoolMaxBytes,
    Duration flushTimeout,
    InetSocketAddress metricsAddress) {

  /** Host attribution settings; see the {@code hosts.*} keys. */
  public record Hosts(
      HostMode mode, String name, Path inventory, Duration inventoryCheckInterval, byte[] pseudonymKey) {}

  /** Endpoint: the sensor watches its own machine. Network: it watches a SPAN port or TAP. */
  public enum HostMode { ENDPOINT, NETWORK }

  private static final FlowTableConfig FLOWS = FlowTableConfig.defaults();

  public static final List<Setting> SETTINGS = withKafkaSecurity(List.of(
      Setting.value("sensor.id", "ID", "the host name", "names this sensor in every record"),
      Setting.list("capture.interfaces", "IF", "interfaces to capture on, live (e.g. eth0, lo)"),
      Setting.value("capture.read", "FILE", null, "replay a pcap/pcapng file instead of capturing live"),
      Setting.value("capture.replay-speed", "max|recorded", "max",
          "replay the file as fast as possible, or at the pace it was recorded"),
      Setting.value("capture.filter", "BPF", null, "BPF filter (tcpdump syntax), e.g. 'tcp port 443 or udp port 443'"),
      Setting.value("capture.snaplen", "BYTES", "262144", "bytes kept of each packet (SNI needs the whole ClientHello)"),
      Setting.value("capture.promiscuous", "BOOL", "true", "see frames addressed to other hosts (SPAN/TAP)"),
      Setting.value("capture.buffer-size", "SIZE", "32MiB", "kernel capture buffer; bigger absorbs bursts"),
      Setting.value("capture.warm-up", "BOOL", "true", "warm up on synthetic traffic first (3-6 s); a cold sensor drops packets"),
      Setting.value("flows.tcp-idle-timeout", "DURATION", ValueParsers.text(FLOWS.tcpIdleTimeout()),
          "end a TCP flow after this long without packets"),
      Setting.value("flows.udp-idle-timeout", "DURATION", ValueParsers.text(FLOWS.udpIdleTimeout()),
          "end a UDP flow after this long without packets"),
      Setting.value("flows.active-timeout", "DURATION", ValueParsers.text(FLOWS.activeTimeout()),
          "long flows emit a record (with deltas) this often; the job spreads each over the minutes it lasted"),
      Setting.value("flows.max-flows", "N", Integer.toString(FLOWS.maxFlows()),
          "open flows at most; the least recently seen is exported early"),
      Setting.list("catalog.files", "FILE", "extra endpoint catalog files (YAML) on top of the built-in one"),
      Setting.value("catalog.topic", "TOPIC|off", CatalogTopic.DEFAULT_TOPIC,
          "follow the catalog published on this Kafka topic (agentwatch up, agentwatch catalog publish): a new version"
              + " replaces the local one within seconds; off: the built-in catalog and catalog.files only"),
      Setting.value("hosts.mode", "endpoint|network", "endpoint",
          "endpoint: every flow is this machine's; network: an inventory names the hosts behind a SPAN port"),
      Setting.value("hosts.name", "NAME", "the host name", "endpoint mode: the name written as host"),
      Setting.value("hosts.inventory", "FILE", null,
          "network mode: CSV 'address,host,owner,team' (IP, CIDR or MAC; header line optional); re-read when it changes"),
      Setting.value("hosts.inventory-check-interval", "DURATION", "10s", "how often to look for a changed inventory"),
      Setting.value("hosts.pseudonymize", "BOOL", "false",
          "replace host IP addresses by a keyed hash (names from the inventory stay)"),
      Setting.value("hosts.pseudonym-key-file", "FILE", null, "the secret key of the hash: at least 16 bytes, e.g. head -c 32 /dev/urandom (required with pseudonymize)"),
      Setting.value("export.scope", "ai|all", "ai",
          "ai: flow records only for catalogued AI endpoints, other traffic as per-host minute totals; all: every flow"),
      Setting.value("kafka.bootstrap-servers", "host:port,...", null, "the Kafka cluster (required)"),
      Setting.value("kafka.topic", "TOPIC", KafkaExportConfig.DEFAULT_TOPIC, "topic of the flow records"),
      Setting.value("kafka.host-traffic-topic", "TOPIC", KafkaExportConfig.DEFAULT_HOST_TRAFFIC_TOPIC,
          "topic of the per-host minute totals of the traffic not sent as flow records"),
      Setting.value("kafka.compression", "zstd|lz4|gzip|snappy|none", "zstd", "batch compression"),
      Setting.map("kafka.properties", "further Kafka producer properties, e.g. linger.ms: 50"),
      Setting.value("spool.directory", "DIR", "$STATE_DIRECTORY/spool or ./agentwatch-spool",
          "where records wait while Kafka is unreachable"),
      Setting.value("spool.max-size", "SIZE", "1GiB", "when full, the oldest unsent records are dropped and counted"),
      Setting.value("shutdown.flush-timeout", "DURATION", "30s",
          "on stop, how long to wait for Kafka before leaving records in the spool"),
      Setting.value("metrics.listen", "host:port|off", "127.0.0.1:9464", "Prometheus /metrics and /health")));

  /** The Kafka security keys (shared with `up --kafka`) go after kafka.compression. */
  private static List<Setting> withKafkaSecurity(List<Setting> settings) {
    List<Setting> all = new java.util.ArrayList<>(settings);
    int compression = all.indexOf(all.stream().filter(s -> s.key().equals("kafka.compression")).findFirst().orElseThrow());
    all.addAll(compression + 1, KafkaClientSecurity.SETTINGS);
    return List.copyOf(all);
  }

  private static final Set<String> COMPRESSION = Set.of("zstd", "lz4", "gzip", "snappy", "none");

  /**
   * @param environment for {@code $STATE_DIRECTORY} (set by systemd) and the host name fallback
   * @throws io.agentwatch.config.ConfigException naming every problem
   */
  public static SensorServiceConfig from(Settings settings, Map<String, String> environment) {
    String hostName = localHostName();
    String sensorId = settings.isSet("sensor.id") ? settings.text("sensor.id") : hostName;

    List<String> interfaces = settings.list("capture.interfaces");
    Path read = settings.parse("capture.read", Path::of);
    if (interfaces.isEmpty() == (read == null)) {
      settings.problem(interfaces.isEmpty() ? "capture.interfaces" : "capture.read",
          interfaces.isEmpty() ? "name the interfaces to capture on, or a file in capture.read"
              : "capture on interfaces or replay a file, not both");
    }
    if (read != null && !Files.isReadable(read)) {
      settings.problem("capture.read", read + (Files.exists(read) ? " is not readable" : " does not exist"));
    }
    String speed = settings.parse("capture.replay-speed", oneOf(Set.of("max", "recorded")));
    LiveCaptureConfig live = interfaces.isEmpty() ? null : liveCapture(settings, interfaces);
    Boolean warmUp = settings.parse("capture.warm-up", ValueParsers::bool);

    FlowTableConfig flows = FlowTableConfig.defaults();
    Duration tcpIdle = settings.parse("flows.tcp-idle-timeout", ValueParsers::duration);
    Duration udpIdle = settings.parse("flows.udp-idle-timeout", ValueParsers::duration);
    Duration active = settings.parse("flows.active-timeout", ValueParsers::duration);
    Integer maxFlows = settings.parse("flows.max-flows", text -> ValueParsers.integer(text, 1, 100_000_000));
    if (tcpIdle != null && udpIdle != null && active != null && maxFlows != null) {
      flows = flows.withIdleTimeouts(tcpIdle, udpIdle).withActiveTimeout(active).withMaxFlows(maxFlows);
    }

    List<Path> catalogs = settings.list("catalog.files").stream().map(Path::of).toList();
    catalogs.forEach(file -> settings.requireReadable("catalog.files", file));
    String catalogTopic = settings.parse("catalog.topic", SensorServiceConfig::catalogTopic);

    Hosts hosts = hosts(settings, hostName);
    ExportScope scope = settings.parse("export.scope", ExportScope::parse);
    KafkaExportConfig kafka = kafka(settings);

    Path spool = settings.isSet("spool.directory") ? Path.of(settings.text("spool.directory"))
        : environment.containsKey("STATE_DIRECTORY")
            ? Path.of(environment.get("STATE_DIRECTORY").split(":")[0], "spool")
            : Path.of("agentwatch-spool");
    Long spoolMax = settings.parse("spool.max-size", ValueParsers::size);
    if (spoolMax != null && spoolMax < 64 * 1024) {
      settings.problem("spool.max-size", "must be at least 64KiB");
    }
    Duration flushTimeout = settings.parse("shutdown.flush-timeout", ValueParsers::duration);
    InetSocketAddress metrics = settings.parse("metrics.listen", SensorServiceConfig::listenAddress);

    settings.throwIfProblems();
    return new SensorServiceConfig(sensorId, live, warmUp, read, "recorded".equals(speed), flows, catalogs, catalogTopic, hosts, scope,
        kafka, spool, spoolMax, flushTimeout, metrics);
  }

  /**
   * The effective settings as "key = value" lines, secrets masked: for the start-up log and
   * --print-config. Defaults that depend on the machine show what they resolved to.
   */
  public Map<String, String> describe(Settings settings) {
    Map<String, String> lines = describeSettings(settings);
    resolved(lines, settings, "sensor.id", sensorId);
    resolved(lines, settings, "hosts.name", hosts.name());
    resolved(lines, settings, "spool.directory", spoolDirectory.toString());
    return lines;
  }

  private static void resolved(Map<String, String> lines, Settings settings, String key, String value) {
    if (!settings.isSet(key)) {
      lines.put(key, value + "  (default)");
    }
  }

  private static Map<String, String> describeSettings(Settings settings) {
    Map<String, String> lines = new LinkedHashMap<>();
    for (Setting setting : settings.known()) {
      if (setting.kind() == Setting.Kind.MAP) {
        settings.map(setting.key()).forEach((name, value) ->
            lines.put(setting.key() + "." + name, KafkaClientSecurity.looksSecret(name) ? "[hidden]" : value));
      } else if (setting.kind() == Setting.Kind.SECRET) {
        if (settings.isSet(setting.key())) {
          lines.put(setting.key(), "[hidden] (" + settings.origin(setting.key()) + ")");
        }
      } else {
        String value = settings.text(setting.key());
        if (value != null) {
          lines.put(setting.key(), value + (settings.isSet(setting.key()) ? "" : "  (default)"));
        }
      }
    }
    return lines;
  }

  private static LiveCaptureConfig liveCapture(Settings settings, List<String> interfaces) {
    LiveCaptureConfig live = LiveCaptureConfig.defaults(interfaces);
    String filter = settings.text("capture.filter");
    Integer snaplen = settings.parse("capture.snaplen", text -> ValueParsers.integer(text, 64, 262_144));
    Boolean promiscuous = settings.parse("capture.promiscuous", ValueParsers::bool);
    Long buffer = settings.parse("capture.buffer-size", ValueParsers::size);
    if (buffer != null && (buffer < 65_536 || buffer > Integer.MAX_VALUE)) {
      settings.problem("capture.buffer-size", "must be between 64KiB and 2GiB");
      buffer = null;
    }
    if (filter != null) {
      live = live.withFilter(filter);
    }
    if (snaplen != null) {
      live = live.withSnapLength(snaplen);
    }
    if (promiscuous != null) {
      live = live.withPromiscuous(promiscuous);
    }
    if (buffer != null) {
      live = live.withBufferBytes(buffer.intValue());
    }
    return live;
  }

  private static Hosts hosts(Settings settings, String hostName) {
    String modeText = settings.parse("hosts.mode", oneOf(Set.of("endpoint", "network")));
    HostMode mode = "network".equals(modeText) ? HostMode.NETWORK : HostMode.ENDPOINT;
    String name = settings.isSet("hosts.name") ? settings.text("hosts.name") : hostName;
    Path inventory = settings.parse("hosts.inventory", Path::of);
    if (inventory != null) {
      if (mode != HostMode.NETWORK) {
        settings.problem("hosts.inventory", "is only used with hosts.mode: network");
      }
      settings.requireReadable("hosts.inventory", inventory);
    }
    Duration check = settings.parse("hosts.inventory-check-interval", ValueParsers::duration);
    Boolean pseudonymize = settings.parse("hosts.pseudonymize", ValueParsers::bool);
    byte[] key = null;
    if (Boolean.TRUE.equals(pseudonymize)) {
      Path keyFile = settings.parse("hosts.pseudonym-key-file", Path::of);
      if (keyFile == null) {
        settings.problem("hosts.pseudonymize", "needs hosts.pseudonym-key-file, a file with a secret key");
      } else {
        key = readKey(settings, "hosts.pseudonym-key-file", keyFile);
      }
    }
    return new Hosts(mode, name, inventory, check, key);
  }

  /**
   * The Kafka client settings of the {@code kafka.*} keys (servers, topics, security), every
   * problem recorded in {@code settings}: the sensor's, and `agentwatch catalog publish`'s, which
   * reads a sensor's configuration file to reach the same cluster.
   */
  public static KafkaExportConfig kafka(Settings settings) {
    String servers = settings.text("kafka.bootstrap-servers");
    if (servers == null) {
      settings.problem("kafka.bootstrap-servers", "missing; the Kafka cluster to send flow records to (host:port,...)");
    }
    Map<String, String> client = new LinkedHashMap<>(settings.map("kafka.properties"));
    String compression = settings.parse("kafka.compression", oneOf(COMPRESSION));
    if (compression != null) {
      client.put("compression.type", compression);
    }
    KafkaClientSecurity.addTo(settings, client);
    KafkaExportConfig config = new KafkaExportConfig(servers, settings.text("kafka.topic"), client,
        settings.text("kafka.host-traffic-topic"));
    if (servers != null) {
      try {
        config.validate();
      } catch (IllegalArgumentException e) {
        String message = e.getMessage();
        String key = message.substring(0, message.indexOf(':'));
        settings.problem(key, message.substring(message.indexOf(':') + 2));
      }
    }
    return config;
  }

  /**
   * A key is bytes (e.g. {@code head -c 32 /dev/urandom}), not text: the file's bytes, less one
   * trailing line end so that a key written with {@code echo} keeps the pseudonyms it had when
   * keys were read as a line of text. Null (and a problem named after {@code key}) when unusable.
   */
  private static byte[] readKey(Settings settings, String key, Path file) {
    if (!settings.requireReadable(key, file)) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      settings.problem(key, "cannot read " + file + ": " + e.getMessage());
      return null;
    }
    int length = bytes.length;
    if (length > 0 && bytes[length - 1] == '\n') {
      length--;
      if (length > 0 && bytes[length - 1] == '\r') {
        length--;
      }
    }
    if (length < Pseudonymizer.MIN_KEY_BYTES) {
      settings.problem(key, file + " holds a key of " + length + " bytes; at least " + Pseudonymizer.MIN_KEY_BYTES
          + " are needed (e.g. head -c 32 /dev/urandom > " + file + ")");
      return null;
    }
    return Arrays.copyOf(bytes, length);
  }

  private static java.util.function.Function<String, String> oneOf(Set<String> choices) {
    return text -> {
      if (!choices.contains(text)) {
        throw new IllegalArgumentException("'" + text + "' is not one of " + String.join(", ", choices.stream().sorted().toList()));
      }
      return text;
    };
  }

  /** A topic name, or null for off. */
  static String catalogTopic(String text) {
    if (text.equalsIgnoreCase("off")) {
      return null;
    }
    return CatalogTopic.requireTopicName(text);
  }

  static InetSocketAddress listenAddress(String text) {
    if (text.equalsIgnoreCase("off")) {
      return null;
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("'" + text + "' is not host:port (or off)");
    }
    String host = text.substring(0, colon).replace("[", "").replace("]", "");
    int port = ValueParsers.integer(text.substring(colon + 1), 0, 65_535);
    return new InetSocketAddress(host, port);
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String name = System.getenv("HOSTNAME");
      return name == null || name.isBlank() ? "unknown-host" : name;
    }
  }
}
