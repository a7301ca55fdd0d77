package io.agentwatch.store;

import java.nio.file.Path;

/** Opens the store a {@link StoreConfig} describes. */
public final class Stores {

  private Stores() {}

  /** Validates the config and opens the embedded engine or connects a client; the caller closes it. */
  public static ClickHouseStore open(StoreConfig config) throws StoreException {
    config.validate();
    return switch (config.kind()) {
      case EMBEDDED -> EmbeddedChdbStore.open(Path.of(config.embeddedPath()));
      case REMOTE -> RemoteClickHouseStore.open(config);
    };
  }
}
