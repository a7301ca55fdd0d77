package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreConfigTest {

  @Test
  void messagesNameTheKeyAndTheProblem() {
    assertEquals("store.embedded.path: missing (the chDB data directory)", problem(StoreConfig.embedded(" ")));
    assertEquals("store.remote.url: missing (e.g. http://clickhouse:8123)", problem(StoreConfig.remote(null, "default", "default", null)));
    assertEquals("store.remote.url: must start with http:// or https:// (the HTTP interface), got 'tcp://ch:9000'",
        problem(StoreConfig.remote("tcp://ch:9000", "default", "default", null)));
    assertTrue(problem(StoreConfig.remote("http://bob:secret@ch:8123", "default", "default", null))
        .startsWith("store.remote.url: must not carry credentials"));
    assertEquals("store.remote.database: must be a plain name ([A-Za-z_][A-Za-z0-9_]*), got 'a-b'",
        problem(StoreConfig.remote("http://ch:8123", "a-b", "default", null)));
    assertEquals("store.remote.user: missing", problem(StoreConfig.remote("http://ch:8123", "default", "", null)));
    IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> StoreConfig.fromMap(Map.of("store.kind", "cloud")));
    assertEquals("store.kind: must be 'embedded' or 'remote', got 'cloud' (from the command line)", kind.getMessage());
  }

  @Test
  void flatKeysWithDefaults() {
    StoreConfig config = StoreConfig.fromMap(Map.of("store.kind", "remote", "store.remote.url", "https://ch.example:8443")).validate();
    assertEquals(new StoreConfig(StoreConfig.Kind.REMOTE, null, "https://ch.example:8443", "default", "default", null,
        "AGENTWATCH_CLICKHOUSE_PASSWORD", null), config);
    assertEquals(StoreConfig.Kind.EMBEDDED, StoreConfig.fromMap(Map.of("store.embedded.path", "/var/lib/agentwatch")).validate().kind());
  }

  @Test
  void aClusterNeedsARemoteStoreAndAPlainName() {
    StoreConfig onCluster = StoreConfig.fromMap(Map.of("store.kind", "remote", "store.remote.url", "http://ch:8123",
        "store.remote.database", "agentwatch", "store.cluster", "agentwatch")).validate();
    assertEquals(new ClusterSchema("agentwatch", "agentwatch"), onCluster.clusterSchema());
    assertEquals(null, StoreConfig.remote("http://ch:8123", "default", "default", null).clusterSchema());

    IllegalArgumentException embedded = assertThrows(IllegalArgumentException.class,
        () -> StoreConfig.embedded("/var/lib/agentwatch").onCluster("agentwatch").validate());
    assertEquals("store.cluster: 'agentwatch' needs store.kind=remote (the embedded engine is one server)", embedded.getMessage());
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
        () -> StoreConfig.remote("http://ch:8123", "default", "default", null).onCluster("my cluster").validate());
    assertEquals("store.cluster: must be a plain name ([A-Za-z_][A-Za-z0-9_]*), got 'my cluster'", name.getMessage());
  }

  @Test
  void survivesJavaSerializationAsInAFlinkJobGraph() throws Exception {
    StoreConfig config = StoreConfig.remote("http://ch:8123", "agentwatch", "writer", "/run/secrets/ch");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(config);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(config, in.readObject());
    }
  }

  @Test
  void thePasswordIsReadWhenTheStoreOpensAndNeverPartOfTheConfig(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("password");
    java.nio.file.Files.writeString(secret, "s3cr3t-value\n");
    StoreConfig config = StoreConfig.remote("http://127.0.0.1:9", "default", "default", secret.toString());
    assertFalse(config.toString().contains("s3cr3t-value"));
    // The file was read: opening gets as far as asking the (absent) server its version.
    StoreException unreachable = assertThrows(StoreException.class, () -> Stores.open(config).close());
    assertTrue(unreachable.getMessage().startsWith("cannot reach ClickHouse at http://127.0.0.1:9 (database default)"),
        unreachable.getMessage());
    assertFalse(unreachable.getMessage().contains("s3cr3t-value"), unreachable.getMessage());
    StoreConfig missingFile = StoreConfig.remote("http://127.0.0.1:9", "default", "default", dir.resolve("nope").toString());
    StoreException error = assertThrows(StoreException.class, () -> Stores.open(missingFile));
    assertTrue(error.getMessage().startsWith("store.remote.password-file: cannot read "), error.getMessage());
  }

  @Test
  void storesOpensTheKindTheConfigNames(@TempDir Path dataDir) throws Exception {
    try (ClickHouseStore store = Stores.open(StoreConfig.embedded(dataDir.toString()))) {
      assertTrue(store instanceof EmbeddedChdbStore);
      assertEquals("embedded chDB at " + dataDir.toRealPath(), store.describe());
    }
  }

  private static String problem(StoreConfig config) {
    return assertThrows(IllegalArgumentException.class, config::validate).getMessage();
  }
}
