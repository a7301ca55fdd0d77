package io.agentwatch.cli;

import io.agentwatch.api.ApiClient;
import io.agentwatch.api.QueryResult;
import io.agentwatch.api.ResultFormat;
import io.agentwatch.stack.DataDirectory;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.NamedQueries;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.StoreException;
import io.agentwatch.store.Stores;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Map;

/**
 * Where `query` and `alerts` get their answers: the HTTP API of the stack running on the data
 * directory when there is one (the embedded store is locked by its process), else the data
 * directory's store, opened here.
 */
final class QueryTarget implements AutoCloseable {

  private final ApiClient api;
  private final ClickHouseStore store;
  private final Clock clock;

  private QueryTarget(ApiClient api, ClickHouseStore store, Clock clock) {
    this.api = api;
    this.store = store;
    this.clock = clock;
  }

  static QueryTarget open(DataDirectory dataDir, Clock clock) {
    var running = dataDir.runningStack();
    if (running.isPresent()) {
      ApiClient api = new ApiClient(running.get().apiUrl());
      if (api.isHealthy()) {
        return new QueryTarget(api, null, clock);
      }
      throw new UserError("a stack runs on " + dataDir + " (process " + running.get().pid() + ") but its API at "
          + running.get().apiUrl() + " does not answer", 1, null);
    }
    if (!dataDir.hasStore()) {
      throw new UserError("no AgentWatch data in " + dataDir + ": start `agentwatch up` (or `agentwatch replay FILE`) first,"
          + " or give --data-dir", 1, null);
    }
    try {
      return new QueryTarget(null, Stores.open(StoreConfig.embedded(dataDir.clickhouse().toString())), clock);
    } catch (StoreException e) {
      throw new UserError("cannot open the store in " + dataDir + ": " + e.getMessage(), 1, e);
    }
  }

  /**
   * Runs a named query where {@link #open} finds the data and prints it: what `query` and `alerts`
   * do. {@code tableColumns}, when given, narrows what the table shows; JSON and CSV keep every field.
   */
  static void print(DataDirectory dataDir, String name, Map<String, String> parameters, ResultFormat format,
      String[] tableColumns, PrintWriter out) {
    try (QueryTarget target = open(dataDir, Clock.systemUTC())) {
      QueryResult result = target.run(name, parameters);
      boolean narrow = format == ResultFormat.TABLE && tableColumns != null;
      format.write(narrow ? result.select(tableColumns) : result, out, ZoneId.systemDefault());
    }
    out.flush();
  }

  /** "the stack's API at URL" or "the store in DIR": for messages. */
  String describe() {
    return api != null ? "the API at " + api.baseUrl() : store.describe();
  }

  QueryResult run(String name, Map<String, String> parameters) {
    try {
      if (api != null) {
        return api.query(name, parameters);
      }
      return QueryResult.run(store, NamedQueries.get(name), parameters, clock.instant());
    } catch (IOException | StoreException e) {
      throw new UserError("query " + name + " failed on " + describe() + ": " + e.getMessage(), 1, e);
    }
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
  }
}
