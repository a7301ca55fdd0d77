package io.agentwatch.store;

import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where flows and aggregates are stored: the engine in this process (chDB on a data directory) or
 * a ClickHouse server. Serializable because it travels inside Flink job graphs, so it holds no
 * secret: the password is read when the store opens, from a file or from an environment variable,
 * on whichever machine opens it.
 *
 * @param kind {@code store.kind}: embedded or remote
 * @param embeddedPath {@code store.embedded.path}: chDB data directory (embedded only)
 * @param remoteUrl {@code store.remote.url}: http(s)://host:port of the server's HTTP interface
 * @param remoteDatabase {@code store.remote.database}: database holding the tables
 * @param remoteUser {@code store.remote.user}
 * @param remotePasswordFile {@code store.remote.password-file}: file whose first line is the
 *     password; when absent, the password is taken from the environment variable
 *     {@code store.remote.password-env} names (no password when that is unset)
 * @param remotePasswordEnv {@code store.remote.password-env}: name of that variable
 * @param cluster {@code store.cluster}: the ClickHouse cluster the server belongs to (remote
 *     only), or null for a single server. The schema is then the cluster form of the migrations
 *     ({@link ClusterSchema}: Replicated local tables, Distributed tables under the usual names),
 *     and inserts wait until every shard has its block ({@code distributed_foreground_insert}), so
 *     the deduplication token reaches the shards before a checkpoint completes.
 */
public record StoreConfig(
    Kind kind,
    String embeddedPath,
    String remoteUrl,
    String remoteDatabase,
    String remoteUser,
    String remotePasswordFile,
    String remotePasswordEnv,
    String cluster) implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String KIND = "store.kind";
  public static final String EMBEDDED_PATH = "store.embedded.path";
  public static final String REMOTE_URL = "store.remote.url";
  public static final String REMOTE_DATABASE = "store.remote.database";
  public static final String REMOTE_USER = "store.remote.user";
  public static final String REMOTE_PASSWORD_FILE = "store.remote.password-file";
  public static final String REMOTE_PASSWORD_ENV = "store.remote.password-env";
  public static final String CLUSTER = "store.cluster";

  public static final String DEFAULT_DATABASE = "default";
  public static final String DEFAULT_USER = "default";
  public static final String DEFAULT_PASSWORD_ENV = "AGENTWATCH_CLICKHOUSE_PASSWORD";

  private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public enum Kind {
    EMBEDDED,
    REMOTE
  }

  /** The engine in this process, storing under {@code dataPath}. */
  public static StoreConfig embedded(String dataPath) {
    return new StoreConfig(Kind.EMBEDDED, dataPath, null, null, null, null, null, null);
  }

  /**
   * A ClickHouse server; the password comes from {@code passwordFile} or, when that is null, from
   * the environment variable {@value #DEFAULT_PASSWORD_ENV}.
   */
  public static StoreConfig remote(String url, String database, String user, String passwordFile) {
    return new StoreConfig(Kind.REMOTE, null, url, database, user, passwordFile, DEFAULT_PASSWORD_ENV, null);
  }

  /** This store on the ClickHouse cluster {@code name} (see {@link #cluster}); null for a single server. */
  public StoreConfig onCluster(String name) {
    return new StoreConfig(kind, embeddedPath, remoteUrl, remoteDatabase, remoteUser, remotePasswordFile, remotePasswordEnv, name);
  }

  /** How this store's schema is laid out on its cluster; null for a single server or the embedded engine. */
  public ClusterSchema clusterSchema() {
    return cluster == null ? null : new ClusterSchema(cluster, remoteDatabase != null ? remoteDatabase : DEFAULT_DATABASE);
  }

  /**
   * The store's keys, for every program that opens a store (the job, the stack): --help and the
   * loader read it. The retention of each tier ({@link Retention#SETTINGS}) is among them; the
   * program that applies the migrations reads it with {@link Retention#from}.
   */
  public static final List<Setting> SETTINGS = java.util.stream.Stream.concat(java.util.stream.Stream.of(
      Setting.value(KIND, "embedded|remote", "embedded",
          "embedded: the ClickHouse engine in this process (chDB); remote: a ClickHouse server"),
      Setting.value(EMBEDDED_PATH, "DIR", null, "embedded: the chDB data directory"),
      Setting.value(REMOTE_URL, "URL", null, "remote: http(s)://host:port of the server's HTTP interface"),
      Setting.value(REMOTE_DATABASE, "NAME", DEFAULT_DATABASE, "remote: database holding the tables"),
      Setting.value(REMOTE_USER, "USER", DEFAULT_USER, "remote: user name"),
      Setting.value(REMOTE_PASSWORD_FILE, "FILE", null, "remote: file whose first line is the password"),
      Setting.value(REMOTE_PASSWORD_ENV, "NAME", DEFAULT_PASSWORD_ENV,
          "remote: environment variable holding the password, when no password file is given"),
      Setting.value(CLUSTER, "NAME", null,
          "remote: the ClickHouse cluster (remote_servers) whose Distributed tables hold the data; unset for one server")),
      Retention.SETTINGS.stream()).toList();

  /**
   * From loaded settings (which must know {@link #SETTINGS}); a bad kind is recorded as a problem
   * of {@code settings}. Not validated: the caller may still fill in the data directory.
   */
  public static StoreConfig from(Settings settings) {
    Kind kind = settings.parse(KIND, text -> {
      try {
        return Kind.valueOf(text.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("must be 'embedded' or 'remote', got '" + text + "'");
      }
    });
    return new StoreConfig(kind, settings.text(EMBEDDED_PATH), settings.text(REMOTE_URL),
        settings.text(REMOTE_DATABASE), settings.text(REMOTE_USER), settings.text(REMOTE_PASSWORD_FILE),
        settings.text(REMOTE_PASSWORD_ENV), settings.text(CLUSTER));
  }

  /** From flat keys ({@value #KIND}, {@value #EMBEDDED_PATH}, ...) given in code, with defaults for the optional ones. */
  public static StoreConfig fromMap(Map<String, String> values) {
    Settings settings = Settings.load(SETTINGS, null, Map.of(), new HashMap<>(values));
    StoreConfig config = from(settings);
    settings.throwIfProblems();
    return config;
  }

  /** Checks the settings the kind needs; the message names the key and what is wrong. Returns this. */
  public StoreConfig validate() {
    if (kind == null) {
      throw new IllegalArgumentException(KIND + ": missing (embedded or remote)");
    }
    if (kind == Kind.EMBEDDED) {
      if (embeddedPath == null || embeddedPath.isBlank()) {
        throw new IllegalArgumentException(EMBEDDED_PATH + ": missing (the chDB data directory)");
      }
      if (cluster != null) {
        throw new IllegalArgumentException(CLUSTER + ": '" + cluster + "' needs " + KIND + "=remote (the embedded engine is one server)");
      }
      return this;
    }
    if (remoteUrl == null || remoteUrl.isBlank()) {
      throw new IllegalArgumentException(REMOTE_URL + ": missing (e.g. http://clickhouse:8123)");
    }
    URI uri;
    try {
      uri = new URI(remoteUrl);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(REMOTE_URL + ": not a URL: '" + remoteUrl + "' (" + e.getReason() + ")");
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException(REMOTE_URL + ": must start with http:// or https:// (the HTTP interface), got '" + remoteUrl + "'");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(REMOTE_URL + ": no host in '" + remoteUrl + "'");
    }
    if (uri.getUserInfo() != null) {
      // The URL shows up in logs and job graphs: credentials in it would leak.
      throw new IllegalArgumentException(REMOTE_URL + ": must not carry credentials; use " + REMOTE_USER + " and "
          + REMOTE_PASSWORD_FILE + " or " + REMOTE_PASSWORD_ENV);
    }
    if (remoteDatabase == null || !DATABASE_NAME.matcher(remoteDatabase).matches()) {
      throw new IllegalArgumentException(REMOTE_DATABASE + ": must be a plain name ([A-Za-z_][A-Za-z0-9_]*), got '" + remoteDatabase + "'");
    }
    if (remoteUser == null || remoteUser.isBlank()) {
      throw new IllegalArgumentException(REMOTE_USER + ": missing");
    }
    if (remotePasswordFile != null && remotePasswordFile.isBlank()) {
      throw new IllegalArgumentException(REMOTE_PASSWORD_FILE + ": blank (leave it out to use " + REMOTE_PASSWORD_ENV + ")");
    }
    if (remotePasswordEnv != null && !ENV_NAME.matcher(remotePasswordEnv).matches()) {
      throw new IllegalArgumentException(REMOTE_PASSWORD_ENV + ": not an environment variable name: '" + remotePasswordEnv + "'");
    }
    if (cluster != null && !DATABASE_NAME.matcher(cluster).matches()) {
      throw new IllegalArgumentException(CLUSTER + ": must be a plain name ([A-Za-z_][A-Za-z0-9_]*), got '" + cluster + "'");
    }
    return this;
  }
}
