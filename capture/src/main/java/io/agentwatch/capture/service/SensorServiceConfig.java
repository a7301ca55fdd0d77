package io.agentwatch.capture.service;

import io.agentwatch.capture.catalog.CatalogTopic;
import io.agentwatch.capture.export.ExportScope;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

  public static final List<Setting> SETTINGS = List.of(
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
      Setting.value("kafka.security-protocol", "PROTOCOL", "PLAINTEXT", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"),
      Setting.value("kafka.sasl-mechanism", "MECHANISM", "SCRAM-SHA-512", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"),
      Setting.value("kafka.sasl-username", "USER", null, "SASL user name"),
      Setting.secret("kafka.sasl-password", "SASL password, from the environment only"),
      Setting.value("kafka.sasl-password-file", "FILE", null, "file holding the SASL password"),
      Setting.value("kafka.ssl-truststore", "FILE", null, "CA certificates to trust: PEM (.pem/.crt) or PKCS12"),
      Setting.secret("kafka.ssl-truststore-password", "PKCS12 truststore password, from the environment only"),
      Setting.value("kafka.ssl-truststore-password-file", "FILE", null, "file holding the truststore password"),
      Setting.value("kafka.ssl-keystore", "FILE", null, "mTLS: the sensor's certificate and key, PEM or PKCS12"),
      Setting.secret("kafka.ssl-keystore-password", "keystore password, from the environment only"),
      Setting.value("kafka.ssl-keystore-password-file", "FILE", null, "file holding the keystore password"),
      Setting.map("kafka.properties", "further Kafka producer properties, e.g. linger.ms: 50"),
      Setting.value("spool.directory", "DIR", "$STATE_DIRECTORY/spool or ./agentwatch-spool",
          "where records wait while Kafka is unreachable"),
      Setting.value("spool.max-size", "SIZE", "1GiB", "when full, the oldest unsent records are dropped and counted"),
      Setting.value("shutdown.flush-timeout", "DURATION", "30s",
          "on stop, how long to wait for Kafka before leaving records in the spool"),
      Setting.value("metrics.listen", "host:port|off", "127.0.0.1:9464", "Prometheus /metrics and /health"));

  private static final Set<String> COMPRESSION = Set.of("zstd", "lz4", "gzip", "snappy", "none");
  private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  private static final Map<String, String> LOGIN_MODULES = Map.of(
      "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule",
      "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
      "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

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
    catalogs.forEach(file -> requireReadable(settings, "catalog.files", file));
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
            lines.put(setting.key() + "." + name, looksSecret(name) ? "[hidden]" : value));
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
      requireReadable(settings, "hosts.inventory", inventory);
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
    String protocol = settings.parse("kafka.security-protocol", text -> oneOf(PROTOCOLS).apply(text.toUpperCase(Locale.ROOT)));
    if (protocol != null) {
      client.put("security.protocol", protocol);
      if (protocol.startsWith("SASL_")) {
        sasl(settings, client);
      }
      if (protocol.endsWith("SSL")) {
        ssl(settings, client);
      }
    }
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

  private static void sasl(Settings settings, Map<String, String> client) {
    String mechanism = settings.parse("kafka.sasl-mechanism",
        text -> oneOf(LOGIN_MODULES.keySet()).apply(text.toUpperCase(Locale.ROOT)));
    String user = settings.text("kafka.sasl-username");
    if (user == null) {
      settings.problem("kafka.sasl-username", "missing; SASL needs a user name");
    }
    String password = secret(settings, "kafka.sasl-password");
    if (mechanism != null && user != null && password != null) {
      client.put("sasl.mechanism", mechanism);
      client.put("sasl.jaas.config", LOGIN_MODULES.get(mechanism) + " required username=\"" + jaasQuoted(user)
          + "\" password=\"" + jaasQuoted(password) + "\";");
    }
  }

  private static void ssl(Settings settings, Map<String, String> client) {
    Path truststore = settings.parse("kafka.ssl-truststore", Path::of);
    if (truststore != null && requireReadable(settings, "kafka.ssl-truststore", truststore)) {
      client.put("ssl.truststore.location", truststore.toString());
      if (isPem(truststore)) {
        client.put("ssl.truststore.type", "PEM");
      } else {
        client.put("ssl.truststore.type", "PKCS12");
        putIfPresent(client, "ssl.truststore.password", optionalSecret(settings, "kafka.ssl-truststore-password"));
      }
    }
    Path keystore = settings.parse("kafka.ssl-keystore", Path::of);
    if (keystore != null && requireReadable(settings, "kafka.ssl-keystore", keystore)) {
      client.put("ssl.keystore.location", keystore.toString());
      client.put("ssl.keystore.type", isPem(keystore) ? "PEM" : "PKCS12");
      String password = optionalSecret(settings, "kafka.ssl-keystore-password");
      putIfPresent(client, isPem(keystore) ? "ssl.key.password" : "ssl.keystore.password", password);
    }
  }

  /** A required secret: from its environment variable or its -file key, not both. */
  private static String secret(Settings settings, String key) {
    String value = optionalSecret(settings, key);
    if (value == null && !settings.isSet(key + "-file")) {
      settings.problem(key, "missing; set environment variable "
          + settings.setting(key).environmentVariable()
          + " or name a file with " + key + "-file");
    }
    return value;
  }

  private static String optionalSecret(Settings settings, String key) {
    boolean fromEnvironment = settings.isSet(key);
    Path file = settings.parse(key + "-file", Path::of);
    if (fromEnvironment && file != null) {
      settings.problem(key + "-file", "the secret is also set in the environment; use one of them");
      return null;
    }
    return fromEnvironment ? settings.text(key) : file == null ? null : readSecret(settings, key + "-file", file);
  }

  private static String readSecret(Settings settings, String key, Path file) {
    if (!requireReadable(settings, key, file)) {
      return null;
    }
    try {
      String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (secret.isEmpty()) {
        settings.problem(key, file + " is empty");
        return null;
      }
      return secret;
    } catch (IOException e) {
      settings.problem(key, "cannot read " + file + ": " + e.getMessage());
      return null;
    }
  }

  /**
   * A key is bytes (e.g. {@code head -c 32 /dev/urandom}), not text: the file's bytes, less one
   * trailing line end so that a key written with {@code echo} keeps the pseudonyms it had when
   * keys were read as a line of text. Null (and a problem named after {@code key}) when unusable.
   */
  private static byte[] readKey(Settings settings, String key, Path file) {
    if (!requireReadable(settings, key, file)) {
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

  private static boolean requireReadable(Settings settings, String key, Path file) {
    if (Files.isRegularFile(file) && Files.isReadable(file)) {
      return true;
    }
    settings.problem(key, file + (Files.exists(file) ? " is not a readable file" : " does not exist"));
    return false;
  }

  private static void putIfPresent(Map<String, String> client, String key, String value) {
    if (value != null) {
      client.put(key, value);
    }
  }

  private static boolean isPem(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".pem") || name.endsWith(".crt");
  }

  /** JAAS options are double-quoted strings: a quote or backslash in a password must not end them. */
  static String jaasQuoted(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** Kafka client properties whose values must never be logged. */
  public static boolean looksSecret(String property) {
    String name = property.toLowerCase(Locale.ROOT);
    return name.contains("password") || name.contains("jaas") || name.contains("secret") || name.endsWith(".key");
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
