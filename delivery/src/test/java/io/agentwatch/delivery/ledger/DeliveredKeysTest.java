package io.agentwatch.delivery.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveredKeysTest {

  @TempDir Path dir;

  @Test
  void keysSurviveAReopenAndTheFileStaysBounded() throws Exception {
    Path file = dir.resolve("delivered-soc.keys");
    try (DeliveredKeys keys = new DeliveredKeys(file, 100)) {
      for (int i = 0; i < 1_000; i++) {
        keys.add("alert-" + i + "#0");
      }
      assertEquals(100, keys.size());
    }
    assertTrue(Files.readAllLines(file).size() <= 200, "at most twice the capacity on disk");
    try (DeliveredKeys reopened = new DeliveredKeys(file, 100)) {
      assertTrue(reopened.contains("alert-999#0"), "the newest are kept");
      assertTrue(reopened.contains("alert-900#0"));
      assertFalse(reopened.contains("alert-899#0"), "the oldest are forgotten");
      assertFalse(reopened.contains("alert-999#1"), "another version is another key");
    }
  }
}
