package io.agentwatch.stack;

import io.agentwatch.capture.identify.ClientCatalog;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.ClientRows;
import io.agentwatch.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Fills the store's {@code clients} table from the client catalog: each catalogued JA4 with every
 * client seen with it, so {@code host_clients} can name the program behind a flow's fingerprint.
 */
public final class ClientCatalogTable {

  private ClientCatalogTable() {}

  /** Replaces the table's content with every JA4 of {@code catalog}; returns the row count. */
  public static int fill(ClickHouseStore store, ClientCatalog catalog) throws StoreException {
    List<ClientRows.Entry> entries = new ArrayList<>();
    for (Map.Entry<String, List<ClientCatalog.Client>> fingerprint : catalog.clientsByJa4().entrySet()) {
      List<ClientCatalog.Client> clients = fingerprint.getValue();
      entries.add(new ClientRows.Entry(fingerprint.getKey(),
          clients.stream().map(ClientCatalog.Client::id).collect(Collectors.joining(", ")),
          clients.stream().map(ClientCatalog.Client::kind).distinct().collect(Collectors.joining(", "))));
    }
    return ClientRows.replace(store, entries);
  }
}
