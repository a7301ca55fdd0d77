package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChdbLibraryTest {

  @Test
  void propertyThenEnvironmentThenTheCacheTheFetchScriptFills() {
    Map<String, String> env = Map.of("AGENTWATCH_CHDB_LIB", "/env/libchdb.so", "AGENTWATCH_CACHE", "/cache");
    assertEquals(Paths.get("/prop/libchdb.so"), ChdbLibrary.resolve("/prop/libchdb.so", env, "/home/u"));
    assertEquals(Paths.get("/env/libchdb.so"), ChdbLibrary.resolve(null, env, "/home/u"));
    assertEquals(Paths.get("/cache/chdb/26.7.3-stable.1/libchdb.so"), ChdbLibrary.resolve("", Map.of("AGENTWATCH_CACHE", "/cache"), "/home/u"));
    assertEquals(Paths.get("/home/u/.cache/agentwatch/chdb/26.7.3-stable.1/libchdb.so"), ChdbLibrary.resolve(null, Map.of(), "/home/u"));
  }

  @Test
  void aMissingLibrarySaysWhereItLookedAndHowToFetchIt() {
    StoreException error = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class,
        () -> ChdbLibrary.load(Paths.get("/nowhere/libchdb.so")));
    assertTrue(error.getMessage().startsWith("chDB library not found at /nowhere/libchdb.so"), error.getMessage());
    assertTrue(error.getMessage().contains("run deploy/chdb/fetch-libchdb.sh"), error.getMessage());
  }

  @Test
  void theLoadedEngineIsThePinnedVersion() throws Exception {
    assertTrue(ChdbLibrary.version().startsWith("26.7."), ChdbLibrary.version());
  }
}
