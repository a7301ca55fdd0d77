package io.agentwatch.capture.catalog;

import static io.agentwatch.testing.TestCatalogs.ACME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.identify.CatalogException;
import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.capture.identify.EndpointCatalogFile;
import io.agentwatch.schema.CatalogText;
import io.agentwatch.schema.PublishedCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog's version names its content, and a published catalog is read back with every check a
 * file on disk gets: what a sensor relies on when it takes a catalog from the topic.
 */
class PublishedCatalogsTest {

  @TempDir Path dir;

  @Test
  void theVersionIsAHashOfWhatTheFilesSayNotOfTheirCommentsOrLayout() throws Exception {
    EndpointCatalog builtin = EndpointCatalog.builtin();
    assertTrue(builtin.version().matches("[0-9a-f]{16}"), builtin.version());
    assertEquals(builtin.version(), EndpointCatalog.builtin().version(), "the same content, the same version");

    EndpointCatalog ours = EndpointCatalog.builtinWith(List.of(Files.writeString(dir.resolve("ours.yaml"), ACME)));
    EndpointCatalog reformatted = EndpointCatalog.builtinWith(List.of(Files.writeString(dir.resolve("again.yaml"),
        "# reviewed 2026-12-07\n" + ACME.replace("domains: [api.acme.example]", "domains:\n          - api.acme.example"))));
    EndpointCatalog changed = EndpointCatalog.builtinWith(List.of(Files.writeString(dir.resolve("changed.yaml"),
        ACME.replace("api.acme.example", "api2.acme.example"))));
    assertNotEquals(builtin.version(), ours.version());
    assertEquals(ours.version(), reformatted.version(), "a comment and another layout are the same catalog");
    assertNotEquals(ours.version(), changed.version());
  }

  @Test
  void aPublishedCatalogReadsBackAsTheSameCatalog() {
    EndpointCatalog builtin = EndpointCatalog.builtin();
    for (EndpointCatalogFile file : builtin.files()) {
      assertEquals(file.canonicalText(), EndpointCatalogFile.read("again", file.canonicalText()).canonicalText());
    }
    PublishedCatalog published = PublishedCatalogs.of(builtin, "test", Instant.parse("2026-12-07T02:00:00Z"));
    EndpointCatalog read = PublishedCatalogs.catalog(PublishedCatalogs.decode(PublishedCatalogs.encode(published)));
    assertEquals(builtin.version(), read.version());
    assertEquals("anthropic", read.match("api.anthropic.com").vendor());
  }

  @Test
  void aPublishedCatalogThatFailsTheChecksOrItsVersionIsRefusedWithTheReason() {
    PublishedCatalog badFile = new PublishedCatalog("0123456789abcdef", Instant.now(), "test",
        List.of(new CatalogText("ours.yaml", ACME.replace("llm-api", "chatbot"))));
    CatalogException refused = assertThrows(CatalogException.class, () -> PublishedCatalogs.catalog(badFile));
    assertTrue(refused.getMessage().startsWith("published ours.yaml: line ") && refused.getMessage().contains("'chatbot'"),
        refused.getMessage());

    PublishedCatalog altered = new PublishedCatalog("0123456789abcdef", Instant.now(), "test",
        List.of(new CatalogText("ours.yaml", ACME)));
    refused = assertThrows(CatalogException.class, () -> PublishedCatalogs.catalog(altered));
    assertTrue(refused.getMessage().contains("not the 0123456789abcdef it claims"), refused.getMessage());

    refused = assertThrows(CatalogException.class, () -> PublishedCatalogs.decode(new byte[] {1, 2, 3}));
    assertTrue(refused.getMessage().startsWith("not a published catalog"), refused.getMessage());
  }
}
