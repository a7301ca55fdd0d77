package io.agentwatch.chhttp;

import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.StoreException;
import io.agentwatch.testing.RandomRows;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A migrated embedded store with random rows in every table, served on loopback through its
 * read-only ClickHouse HTTP interface: what JDBC tools and Grafana see of a one-machine AgentWatch.
 */
public record ServedStore(EmbeddedChdbStore store, ClickHouseHttpServer server) implements AutoCloseable {

  public static ServedStore open(Path dataDir, int rowsPerTable) throws StoreException, IOException {
    EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir);
    try {
      Migrations.bundled(store).apply();
      RandomRows.fill(store, rowsPerTable);
      return new ServedStore(store, ClickHouseHttpServer.start(ClickHouseHttpConfig.loopback(0), store));
    } catch (StoreException | IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  @Override
  public void close() {
    server.close();
    store.close();
  }
}
