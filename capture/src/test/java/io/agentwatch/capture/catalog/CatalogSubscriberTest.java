package io.agentwatch.capture.catalog;

import static io.agentwatch.testing.TestCatalogs.ACME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.identify.CurrentCatalog;
import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.schema.CatalogText;
import io.agentwatch.schema.PublishedCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the subscriber does with each publication it reads (the topic itself: SensorCatalogTopicTest
 * in the application module): a new version replaces the catalog in use and is announced to the
 * listener; the same version, a broken catalog and a message that is no catalog leave it alone.
 */
class CatalogSubscriberTest {

  @TempDir Path dir;

  @Test
  void aNewVersionIsTakenIntoUseAndAnnouncedWhatCannotBeUsedIsRefusedAndTheCatalogStays() throws Exception {
    EndpointCatalog builtin = EndpointCatalog.builtin();
    EndpointCatalog withAcme = EndpointCatalog.builtinWith(List.of(Files.writeString(dir.resolve("acme.yaml"), ACME)));
    CurrentCatalog current = new CurrentCatalog(builtin);
    List<EndpointCatalog> announced = new ArrayList<>();
    CatalogSubscriber subscriber = new CatalogSubscriber(
        new CatalogTopic("127.0.0.1:9", CatalogTopic.DEFAULT_TOPIC, Map.of()), current, announced::add);
    try {
      subscriber.apply(PublishedCatalogs.encode(PublishedCatalogs.of(builtin, "test", Instant.now())));
      assertSame(builtin, current.get(), "the version in use: nothing to do");
      assertTrue(announced.isEmpty());

      subscriber.apply(PublishedCatalogs.encode(PublishedCatalogs.of(withAcme, "test", Instant.now())));
      assertEquals(withAcme.version(), current.get().version());
      assertEquals("acme-ai", current.get().match("api.acme.example").vendor());
      assertEquals(List.of(withAcme.version()), announced.stream().map(EndpointCatalog::version).toList());
      assertEquals(1, subscriber.applied());
      assertNull(subscriber.lastRefusal());

      EndpointCatalog inUse = current.get();
      subscriber.apply(PublishedCatalogs.encode(new PublishedCatalog("0123456789abcdef", Instant.now(), "a broken publisher",
          List.of(new CatalogText("broken.yaml", ACME.replace("[api.acme.example]", "[api..acme.example]"))))));
      assertSame(inUse, current.get(), "a broken catalog leaves the one in use");
      assertTrue(subscriber.lastRefusal().contains("published by a broken publisher")
          && subscriber.lastRefusal().contains("published broken.yaml: line ") && subscriber.lastRefusal().contains("api..acme.example"),
          subscriber.lastRefusal());

      subscriber.apply(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9});
      assertSame(inUse, current.get());
      assertTrue(subscriber.lastRefusal().startsWith("a message of 11 bytes: not a published catalog"), subscriber.lastRefusal());
      assertEquals(2, subscriber.refused());
      assertEquals(1, announced.size(), "only versions taken into use are announced");
    } finally {
      subscriber.close();
    }
  }
}
