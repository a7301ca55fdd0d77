package io.agentwatch.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.Migrations;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vendors table holds every vendor × service of the catalog the sensors identify with. */
class VendorCatalogTableTest {

  @TempDir Path dataDir;

  @Test
  void theBuiltInCatalogFillsTheVendorsTableOneRowPerService() throws Exception {
    EndpointCatalog catalog = EndpointCatalog.builtin();
    long services = catalog.files().stream().flatMap(file -> file.vendors().stream())
        .mapToLong(vendor -> vendor.services().size()).sum();
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      assertEquals(services, VendorCatalogTable.fill(store, catalog));
      assertEquals(services + "\n", store.query("SELECT count() FROM vendors"));
      assertEquals("Anthropic\tunreviewed\n",
          store.query("SELECT DISTINCT name, policy_tag FROM vendors WHERE vendor = 'anthropic'"));
      assertEquals(services, VendorCatalogTable.fill(store, catalog), "filled again at the next start: replaced, not added");
      assertEquals(services + "\n", store.query("SELECT count() FROM vendors"));
    }
  }
}
