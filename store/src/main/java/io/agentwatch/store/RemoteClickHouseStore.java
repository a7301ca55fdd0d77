package io.agentwatch.store;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.ConnectionInitiationException;
import com.clickhouse.client.api.ServerException;
import com.clickhouse.client.api.command.CommandResponse;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A ClickHouse server or cluster through its HTTP interface and the official Java client
 * (client-v2). Requests go uncompressed: the client's zstd/LZ4 support needs a native library this
 * build leaves out, and RowBinary batches of flow metadata are small.
 *
 * <p>Errors: no connection, a timeout, HTTP 503 or a server error that describes a passing state
 * (too many parts, memory limit, ...) are retriable; SQL the server rejects is not. A server older
 * than {@link #MINIMUM_SERVER_VERSION} is refused when the store opens.
 */
public final class RemoteClickHouseStore implements ClickHouseStore {

  static final long CONNECT_TIMEOUT_SECONDS = 10;
  static final long OPERATION_TIMEOUT_SECONDS = 300;

  /**
   * The oldest ClickHouse server AgentWatch connects to: 24.8, the long-term-support release that
   * follows the 24.7 rework of insert deduplication through materialized views (ClickHouse PR
   * #61601), which the rollups rely on (a tokened batch sent again must be dropped in flow_totals_*
   * too, see {@link SqlNames#DEDUPLICATE_IN_VIEWS}). The migrations and queries need less
   * (DateTime64, TTL, LowCardinality, SimpleAggregateFunction, non_replicated_deduplication_window,
   * insert_deduplication_token: 22.x). Only 26.7 (the chDB engine) is tested here; see store/README.md.
   */
  public static final ServerVersion MINIMUM_SERVER_VERSION = ServerVersion.parse("24.8");

  /**
   * On a cluster (store.cluster) an insert into a Distributed table returns only once every shard
   * has written its part (instead of queueing the parts on the node that received it): a failure
   * reaches the sink before its checkpoint completes, and the retry carries the same token to the
   * same shards (the sharding key is deterministic), whose Replicated tables drop what they have.
   * The setting's name since ClickHouse 23.x; insert_distributed_sync is its older alias.
   */
  static final String FOREGROUND_INSERT = "distributed_foreground_insert";

  private final String url;
  private final String database;
  private final String cluster;
  private final ClusterSchema clusterSchema;
  private final Client client;
  private ServerVersion serverVersion;

  private RemoteClickHouseStore(String url, String database, ClusterSchema clusterSchema, Client client) {
    this.url = url;
    this.database = database;
    this.cluster = clusterSchema == null ? null : clusterSchema.cluster();
    this.clusterSchema = clusterSchema;
    this.client = client;
  }

  /**
   * A store for a validated REMOTE config; reads the password now (file, else environment) and asks
   * the server its version: a server that cannot be reached is a retriable error, one older than
   * {@link #MINIMUM_SERVER_VERSION} a fatal one.
   */
  public static RemoteClickHouseStore open(StoreConfig config) throws StoreException {
    config.validate();
    if (config.kind() != StoreConfig.Kind.REMOTE) {
      throw new IllegalArgumentException(StoreConfig.KIND + ": expected remote, got " + config.kind());
    }
    String password = password(config);
    Client client = new Client.Builder()
        .addEndpoint(config.remoteUrl())
        .setUsername(config.remoteUser())
        .setPassword(password)
        .setDefaultDatabase(config.remoteDatabase())
        .compressServerResponse(false)
        .compressClientRequest(false)
        .useHttpCompression(false)
        .setConnectTimeout(CONNECT_TIMEOUT_SECONDS, ChronoUnit.SECONDS)
        .setSocketTimeout(OPERATION_TIMEOUT_SECONDS, ChronoUnit.SECONDS)
        // Retrying is the caller's decision (StoreException.isRetriable): a blind retry of an
        // insert whose answer got lost would store the batch twice.
        .setMaxRetries(0)
        .build();
    RemoteClickHouseStore store = new RemoteClickHouseStore(config.remoteUrl(), config.remoteDatabase(), config.clusterSchema(), client);
    try {
      store.serverVersion = store.checkServerVersion();
      return store;
    } catch (StoreException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** The server's version, as it answered when the store opened. */
  public ServerVersion serverVersion() {
    return serverVersion;
  }

  private ServerVersion checkServerVersion() throws StoreException {
    String answer = query("SELECT version()").strip();
    ServerVersion version;
    try {
      version = ServerVersion.parse(answer);
    } catch (IllegalArgumentException e) {
      throw new StoreException(describe() + " answered SELECT version() with '" + ClickHouseErrors.abbreviate(answer)
          + "': not a ClickHouse version (is " + url + " a ClickHouse HTTP interface?)", false, e);
    }
    if (!version.isAtLeast(MINIMUM_SERVER_VERSION)) {
      throw new StoreException("ClickHouse at " + url + " is " + answer + "; AgentWatch needs " + MINIMUM_SERVER_VERSION
          + " or newer (insert deduplication through materialized views as 24.7 reworked it, in the 24.8"
          + " long-term-support release; see store/README.md)", false);
    }
    return version;
  }

  private static String password(StoreConfig config) throws StoreException {
    if (config.remotePasswordFile() != null) {
      Path file = Path.of(config.remotePasswordFile());
      try {
        return Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
      } catch (IOException e) {
        throw new StoreException(StoreConfig.REMOTE_PASSWORD_FILE + ": cannot read " + file + " (" + e + ")", false, e);
      }
    }
    String variable = config.remotePasswordEnv() != null ? config.remotePasswordEnv() : StoreConfig.DEFAULT_PASSWORD_ENV;
    String fromEnv = System.getenv(variable);
    return fromEnv != null ? fromEnv : "";
  }

  @Override
  public void execute(String sql) throws StoreException {
    try (CommandResponse ignored = await(client.execute(sql), sql)) {
      // The answer carries nothing beyond success.
    } catch (StoreException e) {
      throw e;
    } catch (Exception e) {
      throw failure(e, sql);
    }
  }

  @Override
  public String query(String sql) throws StoreException {
    // default_format applies when the statement names no FORMAT, as the interface promises.
    QuerySettings settings = new QuerySettings().setFormat(ClickHouseFormat.TabSeparated);
    try (QueryResponse response = await(client.query(sql, settings), sql);
        InputStream body = response.getInputStream()) {
      return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    } catch (StoreException e) {
      throw e;
    } catch (Exception e) {
      throw failure(e, sql);
    }
  }

  @Override
  public void insertRowBinary(String table, List<String> columns, byte[] rows, String deduplicationToken)
      throws StoreException {
    if (rows.length == 0) {
      return;
    }
    InsertSettings settings = new InsertSettings();
    String statement = SqlNames.insertInto(table, columns);
    if (cluster != null) {
      settings.serverSetting(FOREGROUND_INSERT, "1");
      statement += " SETTINGS " + FOREGROUND_INSERT + " = 1";
    }
    if (deduplicationToken != null) {
      // Sent as the query parameter insert_deduplication_token: same setting as the embedded store.
      settings.setDeduplicationToken(SqlNames.deduplicationToken(deduplicationToken));
      settings.serverSetting(SqlNames.DEDUPLICATE_IN_VIEWS, "1");
      statement += (cluster != null ? ", " : " SETTINGS ") + "insert_deduplication_token = '" + deduplicationToken + "', "
          + SqlNames.DEDUPLICATE_IN_VIEWS + " = 1";
    }
    statement += " FORMAT RowBinary";
    List<String> quotedColumns = columns.stream().map(SqlNames::identifier).toList();
    try (InsertResponse ignored = await(client.insert(SqlNames.table(table), quotedColumns,
        new ByteArrayInputStream(rows), ClickHouseFormat.RowBinary, settings), statement)) {
      // Written rows are in the response's metrics; the caller knows how many it sent.
    } catch (StoreException e) {
      throw e;
    } catch (Exception e) {
      throw failure(e, statement);
    }
  }

  @Override
  public ClusterSchema clusterSchema() {
    return clusterSchema;
  }

  @Override
  public String describe() {
    return "ClickHouse at " + url + " (database " + database + (cluster != null ? ", cluster " + cluster : "") + ")";
  }

  @Override
  public void close() {
    client.close();
  }

  private <T> T await(CompletableFuture<T> future, String sql) throws StoreException {
    try {
      return future.get(OPERATION_TIMEOUT_SECONDS + CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw failure(e.getCause() != null ? e.getCause() : e, sql);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new StoreException(describe() + ": no answer within " + OPERATION_TIMEOUT_SECONDS + " s to: "
          + ClickHouseErrors.abbreviate(sql), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(describe() + ": interrupted while waiting for: " + ClickHouseErrors.abbreviate(sql), true, e);
    } catch (RuntimeException e) {
      throw failure(e, sql);
    }
  }

  /** Classifies a client failure: the server refusing the SQL is fatal, not reaching it is not. */
  StoreException failure(Throwable error, String sql) {
    String where = describe() + ", statement: " + ClickHouseErrors.abbreviate(sql);
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ServerException server) {
        boolean retriable = server.getTransportProtocolCode() == 503 || server.isRetryable()
            || ClickHouseErrors.isRetriable(server.getCode());
        return new StoreException(server.getMessage().strip() + " [" + where + "]", retriable, error);
      }
      if (cause instanceof ConnectionInitiationException || cause instanceof IOException) {
        return new StoreException("cannot reach " + where + ": " + cause, true, error);
      }
    }
    return new StoreException("failed: " + where + ": " + error, false, error);
  }
}
