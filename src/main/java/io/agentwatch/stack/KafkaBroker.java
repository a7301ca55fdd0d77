package io.agentwatch.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one server), running in
 * this JVM from the Kafka jars. Used by the one-machine stack and by tests; production uses any
 * Kafka cluster through the same client settings.
 *
 * <p>The broker can be stopped and started again: {@link #stop()} keeps the data directory and
 * both ports (client and controller, chosen once in the constructor), so {@link #start()} brings
 * back the same broker with its topics, data and producer state. Idempotent producers that were
 * sending before the stop resume by themselves without duplicates.
 *
 * <p>With {@link #withScramUser(String, String)} the broker gets a second listener,
 * {@code SASL_PLAINTEXT} (or {@code SASL_SSL}, see {@link #withSaslTls}) on
 * {@link #saslBootstrapServers()}, that requires SASL (SCRAM-SHA-256,
 * SCRAM-SHA-512 or PLAIN); the {@code PLAINTEXT} listener on {@link #bootstrapServers()} stays
 * open for the caller's own admin and consumers. Passwords never reach the logs: the broker's own
 * configuration dump masks password settings as {@code [hidden]}, the SCRAM credentials are
 * created through the Admin API (which sends only a salt and salted hash; the broker's request
 * logger {@code kafka.request.logger} prints those, base64, at DEBUG) and the properties file
 * written to the data directory leaves the JAAS settings out.
 *
 * <p>With {@link #withTls(TlsFiles, boolean)} the broker gets an {@code SSL} listener on
 * {@link #sslBootstrapServers()}, with its certificate and key from PEM or PKCS12 files and,
 * optionally, requiring a client certificate signed by a CA in its truststore (mTLS). The key or
 * keystore password is a Password setting too (Kafka prints those as {@code [hidden]}; being
 * prefixed with the listener name it is not in the broker's configuration dump at all) and stays
 * out of the properties file like the JAAS settings.
 */
public final class KafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);

  /** SASL mechanisms the SASL listener accepts. */
  public static final List<String> SASL_MECHANISMS = List.of("SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN");

  private static final String SASL_PLAINTEXT_LISTENER = "SASL_PLAINTEXT";
  private static final String SASL_SSL_LISTENER = "SASL_SSL";
  private static final String SSL_LISTENER = "SSL";
  private static final int SCRAM_ITERATIONS = 4096;
  private static final Duration SCRAM_READY_TIMEOUT = Duration.ofSeconds(15);
  /** User names go into a JAAS option name for PLAIN, so they are kept to a safe alphabet. */
  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  /** Ports picked by this JVM, so that two brokers here never get the same one. */

  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private final Map<String, String> scramUsers = new LinkedHashMap<>();
  private int saslPort;
  private String saslHost = "127.0.0.1";
  private TlsFiles tls;
  private boolean requireClientCertificate;
  private TlsFiles saslTls;
  private int sslPort;
  private boolean everStarted;
  private KafkaRaftServer server;

  /**
   * @param dataDir where the broker keeps its log; formatted on first use
   * @param port the client port on 127.0.0.1, or 0 to pick a free one
   */
  public KafkaBroker(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port == 0 ? LocalPorts.free() : port;
    this.controllerPort = LocalPorts.free();
  }

  /**
   * Where the SASL listener binds and what it advertises: an address other hosts
   * reach (remote sensors), not a wildcard. Call with {@link #withScramUser} before the first start.
   */
  public synchronized KafkaBroker withSaslAddress(String host, int port) {
    if (everStarted) {
      throw new IllegalStateException("withSaslAddress must be called before the broker is first started");
    }
    if (host.equals("0.0.0.0") || host.equals("::") || host.isBlank()) {
      throw new IllegalArgumentException("the SASL listener advertises its address to clients: give one they reach, not '" + host + "'");
    }
    this.saslHost = host;
    this.saslPort = port == 0 ? LocalPorts.free() : port;
    return this;
  }

  /**
   * Encrypts the SASL listener: it becomes {@code SASL_SSL}, with the certificate chain and key of
   * {@code files} (PEM: a PKCS#8 key, encrypted with {@link TlsFiles#keystorePassword()} or not,
   * then the chain; the broker's own login check trusts that chain's first certificate). Call
   * before the first start.
   */
  public synchronized KafkaBroker withSaslTls(TlsFiles files) {
    if (everStarted) {
      throw new IllegalStateException("withSaslTls must be called before the broker is first started");
    }
    if (files == null || files.keystore() == null || !Files.isReadable(files.keystore()) || !isPem(files.keystore())) {
      throw new IllegalArgumentException("TLS keystore " + (files == null ? null : files.keystore())
          + " is not a readable PEM file (.pem or .crt)");
    }
    this.saslTls = files;
    return this;
  }

  /** The SASL listener's name, which is also its security protocol. */
  private String saslListener() {
    return saslTls == null ? SASL_PLAINTEXT_LISTENER : SASL_SSL_LISTENER;
  }

  /**
   * Adds a user that may connect to the SASL listener with SCRAM-SHA-256,
   * SCRAM-SHA-512 or PLAIN; the first call adds that listener. Call before the first
   * {@link #start()}. The SCRAM credentials are (re)created on every start.
   */
  public synchronized KafkaBroker withScramUser(String user, String password) {
    if (everStarted) {
      throw new IllegalStateException("withScramUser must be called before the broker is first started");
    }
    if (user == null || !USER_NAME.matcher(user).matches()) {
      throw new IllegalArgumentException("SCRAM user name must match " + USER_NAME + ", got '" + user + "'");
    }
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("SCRAM password for user " + user + " must not be empty");
    }
    scramUsers.put(user, password);
    if (saslPort == 0) {
      saslPort = LocalPorts.free();
    }
    return this;
  }

  /**
   * The broker's certificate and key, and the CAs whose client certificates it accepts. Each file is
   * PEM when its name ends in {@code .pem} or {@code .crt} (the keystore then holds the private key,
   * PKCS#8, and the certificate chain), else PKCS12.
   *
   * @param keystorePassword for PEM the password of an encrypted key ({@code ssl.key.password}), for
   *     PKCS12 that of the store ({@code ssl.keystore.password}); null when there is none
   * @param truststore the CAs whose client certificates to accept (a PKCS12 one is opened without a
   *     password); null when no client certificate is asked for
   */
  public record TlsFiles(Path keystore, String keystorePassword, Path truststore) {
    @Override
    public String toString() {
      return "TlsFiles[keystore=" + keystore + ", truststore=" + truststore + "]";
    }
  }

  /**
   * Adds the {@code SSL} listener at {@link #sslBootstrapServers()}. With
   * {@code requireClientCertificate} it sets {@code ssl.client.auth=required}: a client must show a
   * certificate signed by a CA in {@link TlsFiles#truststore()}. Call before the first
   * {@link #start()}.
   */
  public synchronized KafkaBroker withTls(TlsFiles files, boolean requireClientCertificate) {
    if (everStarted) {
      throw new IllegalStateException("withTls must be called before the broker is first started");
    }
    if (files == null || files.keystore() == null || !Files.isReadable(files.keystore())) {
      throw new IllegalArgumentException("TLS keystore " + (files == null ? null : files.keystore()) + " is not a readable file");
    }
    if (requireClientCertificate && (files.truststore() == null || !Files.isReadable(files.truststore()))) {
      throw new IllegalArgumentException("a client certificate can be required only with a readable truststore, got "
          + files.truststore());
    }
    this.tls = files;
    this.requireClientCertificate = requireClientCertificate;
    if (sslPort == 0) {
      sslPort = LocalPorts.free();
    }
    return this;
  }

  /**
   * Starts the broker, or starts it again after {@link #stop()} on the same ports with the same
   * data. Returns once the broker accepts clients (and, with SCRAM users, once they can log in).
   */
  public synchronized KafkaBroker start() {
    if (server != null) {
      throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " is already running");
    }
    long started = System.nanoTime();
    Properties props = serverProperties();
    format(props);
    KafkaRaftServer raftServer = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    try {
      raftServer.startup();
    } catch (RuntimeException e) {
      try {
        raftServer.shutdown();
        raftServer.awaitShutdown();
      } catch (RuntimeException shutdownFailure) {
        e.addSuppressed(shutdownFailure);
      }
      throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " (controller port "
          + controllerPort + ") did not start: " + rootCause(e), e);
    }
    server = raftServer;
    boolean restart = everStarted;
    everStarted = true;
    if (!scramUsers.isEmpty()) {
      try {
        createScramCredentials();
      } catch (RuntimeException e) {
        stop(); // a half-started broker would outlive its caller, and its data directory
        throw e;
      }
    }
    LOG.info("Kafka broker (KRaft) {} on {}{}{} in {} ms, data in {}", restart ? "restarted" : "listening",
        bootstrapServers(), scramUsers.isEmpty() ? "" : " and SASL on " + saslBootstrapServers(),
        tls == null ? "" : " and " + (requireClientCertificate ? "mTLS" : "TLS") + " on " + sslBootstrapServers(),
        millisSince(started), dataDir);
    return this;
  }

  /**
   * Shuts the broker down cleanly (producer-state snapshots and log end offsets are written) but
   * keeps its data directory and ports, so {@link #start()} can bring it back. Does nothing when
   * the broker is not running.
   */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    long started = System.nanoTime();
    server.shutdown();
    server.awaitShutdown();
    server = null;
    LOG.info("Kafka broker on {} stopped in {} ms", bootstrapServers(), millisSince(started));
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** The {@code PLAINTEXT} listener: no authentication. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The SASL listener added by {@link #withScramUser(String, String)}. */
  public synchronized String saslBootstrapServers() {
    if (saslPort == 0) {
      throw new IllegalStateException("this broker has no SASL listener: call withScramUser(...) before start()");
    }
    return (saslHost.contains(":") ? "[" + saslHost + "]" : saslHost) + ":" + saslPort;
  }

  /** The {@code SSL} listener added by {@link #withTls(TlsFiles, boolean)}. */
  public synchronized String sslBootstrapServers() {
    if (sslPort == 0) {
      throw new IllegalStateException("this broker has no SSL listener: call withTls(...) before start()");
    }
    return "127.0.0.1:" + sslPort;
  }

  /** Creates the topic unless it exists. */
  public void createTopic(String name, int partitions) {
    createTopic(name, partitions, Map.of());
  }

  /**
   * Creates the topic with topic-level settings ({@code retention.ms}, {@code compression.type},
   * ...) unless it exists; an existing topic keeps its settings.
   */
  public void createTopic(String name, int partitions, Map<String, String> settings) {
    new KafkaCluster(bootstrapServers(), Map.of()).createTopic(name, partitions, settings);
  }

  public Set<String> topics() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      return admin.listTopics().names().get();
    }
  }

  /** Stops the broker; the data directory is left in place. */
  @Override
  public void close() {
    stop();
  }

  private Properties serverProperties() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    String listeners = "PLAINTEXT://127.0.0.1:" + port;
    String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
    if (!scramUsers.isEmpty()) {
      listeners += "," + saslListener() + "://" + (saslHost.contains(":") ? "[" + saslHost + "]" : saslHost) + ":" + saslPort;
      protocols += "," + saslListener() + ":" + saslListener();
    }
    if (tls != null) {
      listeners += "," + SSL_LISTENER + "://127.0.0.1:" + sslPort;
      protocols += "," + SSL_LISTENER + ":" + SSL_LISTENER;
    }
    p.put("listeners", listeners + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", listeners);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", protocols);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    if (!scramUsers.isEmpty()) {
      saslProperties(p);
    }
    if (tls != null) {
      sslProperties(p, SSL_LISTENER, tls, requireClientCertificate);
    }
    if (saslTls != null && !scramUsers.isEmpty()) {
      sslProperties(p, SASL_SSL_LISTENER, saslTls, false);
    }
    p.put("log.dirs", logDir().toString());
    // One node: every replication factor and ISR must be 1, or consumers silently get nothing.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "2");
    // The default dedupe buffer (128 MB) does not fit a small heap beside Flink and chDB.
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
    p.put("auto.create.topics.enable", "false");
    return p;
  }

  /**
   * SCRAM needs only an empty login module on the server (credentials live in the cluster
   * metadata); PLAIN checks against the {@code user_NAME} options of its login module. Both JAAS
   * settings are of the Password type, which Kafka prints as {@code [hidden]}.
   */
  private void saslProperties(Properties p) {
    String prefix = "listener.name." + saslListener().toLowerCase(Locale.ROOT) + ".";
    p.put(prefix + "sasl.enabled.mechanisms", String.join(",", SASL_MECHANISMS));
    // Only the SASL listener uses SASL; the broker talks to itself over PLAINTEXT.
    p.put("sasl.enabled.mechanisms", String.join(",", SASL_MECHANISMS));
    String scramModule = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
    p.put(prefix + "scram-sha-256.sasl.jaas.config", scramModule);
    p.put(prefix + "scram-sha-512.sasl.jaas.config", scramModule);
    StringBuilder plain = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
    scramUsers.forEach((user, password) -> plain.append(" user_").append(user).append("=\"")
        .append(jaasQuote(password)).append('"'));
    p.put(prefix + "plain.sasl.jaas.config", plain.append(';').toString());
  }

  /**
   * The SSL listener's own settings (prefixed with its name, so nothing else changes). Kafka wants
   * the password of a PEM key as {@code ssl.key.password} and refuses {@code ssl.keystore.password}
   * with PEM; a PKCS12 store's password is {@code ssl.keystore.password} (its key has the same one).
   */
  private static void sslProperties(Properties p, String listener, TlsFiles tls, boolean requireClientCertificate) {
    String prefix = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
    boolean pemKeystore = isPem(tls.keystore());
    p.put(prefix + "ssl.keystore.type", pemKeystore ? "PEM" : "PKCS12");
    p.put(prefix + "ssl.keystore.location", tls.keystore().toString());
    if (tls.keystorePassword() != null) {
      p.put(prefix + (pemKeystore ? "ssl.key.password" : "ssl.keystore.password"), tls.keystorePassword());
    }
    if (tls.truststore() != null) {
      p.put(prefix + "ssl.truststore.type", isPem(tls.truststore()) ? "PEM" : "PKCS12");
      p.put(prefix + "ssl.truststore.location", tls.truststore().toString());
    }
    p.put(prefix + "ssl.client.auth", requireClientCertificate ? "required" : "none");
  }

  private static boolean isPem(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".pem") || name.endsWith(".crt");
  }

  /** Upserts the SCRAM credentials over the PLAINTEXT listener, then waits until each user can log in. */
  private void createScramCredentials() {
    long started = System.nanoTime();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      // One request per mechanism: the broker refuses to alter one user twice in a request.
      for (ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
        List<UserScramCredentialAlteration> alterations = new ArrayList<>();
        scramUsers.forEach((user, password) -> alterations.add(new UserScramCredentialUpsertion(user,
            new ScramCredentialInfo(mechanism, SCRAM_ITERATIONS), password)));
        admin.alterUserScramCredentials(alterations).all().get(SCRAM_READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create SCRAM credentials for " + scramUsers.keySet() + " on "
          + bootstrapServers() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating SCRAM credentials", e);
    }
    // The controller has committed the credentials; the broker applies them a moment later.
    scramUsers.forEach(this::awaitScramLogin);
    LOG.debug("SCRAM credentials for {} ready in {} ms", scramUsers.keySet(), millisSince(started));
  }

  private void awaitScramLogin(String user, String password) {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, saslBootstrapServers());
    config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, saslListener());
    if (saslTls != null) {
      // The broker checks its own listener: trust the certificate it serves, at whatever name.
      config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
      config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, saslTls.keystore().toString());
      config.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "");
    }
    config.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256");
    config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required"
        + " username=\"" + user + "\" password=\"" + jaasQuote(password) + "\";");
    long deadline = System.nanoTime() + SCRAM_READY_TIMEOUT.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try (Admin admin = Admin.create(config)) {
        admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException | TimeoutException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for SCRAM user " + user, e);
      }
      sleep(50);
    }
    throw new IllegalStateException("SCRAM user " + user + " cannot log in to " + saslBootstrapServers()
        + " after " + SCRAM_READY_TIMEOUT.toSeconds() + " s: " + last);
  }

  /**
   * Formats the storage on first use. A formatted directory is left alone: the storage tool would
   * reject it for carrying another cluster id than the one it was asked to write.
   */
  private void format(Properties props) {
    if (Files.exists(logDir().resolve("meta.properties"))) {
      return;
    }
    try {
      Files.createDirectories(dataDir);
      // The file is only for the storage tool; the JAAS settings (with the PLAIN passwords) and the
      // TLS key and store passwords stay out of it.
      Properties forFile = new Properties();
      props.forEach((key, value) -> {
        String name = key.toString();
        if (!name.endsWith(SaslConfigs.SASL_JAAS_CONFIG) && !name.endsWith(".password")) {
          forFile.put(key, value);
        }
      });
      Path config = dataDir.resolve("server.properties");
      try (var out = Files.newOutputStream(config)) {
        forFile.store(out, "written by AgentWatch for the embedded broker (JAAS settings and passwords left out)");
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      int rc = StorageTool.execute(new String[] {
          "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted"},
          new PrintStream(output, true, StandardCharsets.UTF_8));
      if (rc != 0) {
        throw new IllegalStateException("formatting Kafka storage in " + dataDir + " failed: "
            + output.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka data directory " + dataDir, e);
    }
  }

  private Path logDir() {
    return dataDir.resolve("kraft");
  }

  /** Escapes a value for a double-quoted JAAS option (Kafka parses it with a StreamTokenizer). */
  private static String jaasQuote(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** Kafka wraps a bind failure three levels deep; the innermost message says what went wrong. */
  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
