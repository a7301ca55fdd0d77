package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vendors table holds the catalog it was last given, keeping the policy tags reviewers set. */
class VendorRowsTest {

  @TempDir Path dataDir;

  @Test
  void replacingTheCatalogKeepsThePolicyTagsOfServicesStillListed() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      assertEquals(3, VendorRows.replace(store, List.of(
          new VendorRows.Entry("anthropic", "anthropic-api", "Anthropic", "llm-api"),
          new VendorRows.Entry("openai", "chatgpt", "OpenAI", "chat-web"),
          new VendorRows.Entry("deepseek", "deepseek-api", "DeepSeek", "llm-api"))));
      store.execute("ALTER TABLE vendors UPDATE policy_tag = 'approved' WHERE vendor = 'anthropic' SETTINGS mutations_sync = 1");

      VendorRows.replace(store, List.of(
          new VendorRows.Entry("anthropic", "anthropic-api", "Anthropic", "llm-api"),
          new VendorRows.Entry("openai", "chatgpt", "OpenAI", "chat-web"),
          new VendorRows.Entry("openai", "chatgpt", "OpenAI (user file)", "chat-web")));
      assertEquals("anthropic\tanthropic-api\tAnthropic\tllm-api\tapproved\n"
              + "openai\tchatgpt\tOpenAI (user file)\tchat-web\tunreviewed\n",
          store.query("SELECT vendor, service, name, category, policy_tag FROM vendors ORDER BY vendor, service"),
          "deepseek is gone, anthropic keeps its tag, a later entry for the same service wins");
    }
  }
}
