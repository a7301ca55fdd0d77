package io.agentwatch.stack;

import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.capture.identify.EndpointCatalogFile;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.StoreException;
import io.agentwatch.store.VendorRows;
import java.util.ArrayList;
import java.util.List;

/** Fills the store's {@code vendors} table from the endpoint catalog the stack's sensors identify with. */
public final class VendorCatalogTable {

  private VendorCatalogTable() {}

  /** Replaces the table's content with every vendor × service of {@code catalog}; returns the row count. */
  public static int fill(ClickHouseStore store, EndpointCatalog catalog) throws StoreException {
    List<VendorRows.Entry> entries = new ArrayList<>();
    for (EndpointCatalogFile file : catalog.files()) {
      for (EndpointCatalogFile.Vendor vendor : file.vendors()) {
        for (EndpointCatalogFile.Service service : vendor.services()) {
          entries.add(new VendorRows.Entry(vendor.id(), service.id(), vendor.name(), service.category()));
        }
      }
    }
    return VendorRows.replace(store, entries);
  }
}
