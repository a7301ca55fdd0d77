package io.agentwatch.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.config.Settings;
import io.agentwatch.jobs.detect.DetectionConfig;
import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.Migrations;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vendors table holds every vendor × service of the catalog the sensors identify with, and their data facts. */
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
      // The facts that weigh exposure: the training fact for the service's users (API or consumer), a
      // vendor-wide fact carried to each service, unknown where the catalog states nothing.
      assertEquals("openai\tapi\tno\t30d\tyes\n"
              + "xai\tapi\tno\t30d\tyes\n"
              + "xai\tgrok\tunknown\tunknown\tunknown\n",
          store.query("SELECT vendor, service, trains_by_default, retention, zero_retention_offer FROM vendors"
              + " WHERE (vendor, service) IN (('openai', 'api'), ('xai', 'api'), ('xai', 'grok')) ORDER BY vendor, service"));
      assertEquals("mistral\tle-chat\tyes\n", store.query(
          "SELECT vendor, service, trains_by_default FROM vendors WHERE vendor = 'mistral' AND category = 'chat-web'"));
      assertEquals("soc2-type2\n", store.query("SELECT DISTINCT certifications FROM vendors WHERE vendor = 'xai'"));
      assertEquals(services, VendorCatalogTable.fill(store, catalog), "filled again at the next start: replaced, not added");
      assertEquals(services + "\n", store.query("SELECT count() FROM vendors"));
    }
  }

  /**
   * The tags the detectors' policy gives (detect.policy.vendors) become the table's, so the exposure
   * score weighs what the alerts say; a service the policy does not name keeps a reviewer's tag.
   */
  @Test
  void thePolicyTagsOfTheDetectionSettingsAreTheTablesTags() throws Exception {
    EndpointCatalog catalog = EndpointCatalog.builtin();
    Settings settings = Settings.load(DetectionConfig.SETTINGS, null, Map.of(),
        Map.of("detect.policy.vendors.deepseek", "unsanctioned", "detect.policy.vendors.openai/chatgpt", "tolerated"));
    DetectionConfig detection = DetectionConfig.from(settings);
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      VendorCatalogTable.fill(store, catalog);
      store.execute("ALTER TABLE vendors UPDATE policy_tag = 'sanctioned' WHERE vendor = 'anthropic' SETTINGS mutations_sync = 1");
      VendorCatalogTable.fill(store, catalog, detection);
      assertEquals("anthropic\tapi\tsanctioned\n"
              + "deepseek\tapi\tunsanctioned\n"
              + "deepseek\tchat\tunsanctioned\n"
              + "openai\tapi\tunreviewed\n"
              + "openai\tchatgpt\ttolerated\n",
          store.query("SELECT vendor, service, policy_tag FROM vendors WHERE (vendor, service) IN"
              + " (('anthropic', 'api'), ('deepseek', 'api'), ('deepseek', 'chat'), ('openai', 'api'), ('openai', 'chatgpt'))"
              + " ORDER BY vendor, service"));
    }
  }
}
