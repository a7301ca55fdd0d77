package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServerVersionTest {

  private static boolean accepted(String answer) {
    return ServerVersion.parse(answer).isAtLeast(RemoteClickHouseStore.MINIMUM_SERVER_VERSION);
  }

  @Test
  void theMinimumAndNewerAreAcceptedOlderAreRefused() {
    assertEquals("24.8", RemoteClickHouseStore.MINIMUM_SERVER_VERSION.toString());
    assertTrue(accepted("24.8.1.2"));
    assertTrue(accepted("24.8"));
    assertTrue(accepted("26.7.2.1"));
    assertTrue(accepted("24.10.1.2"), "24.10 is newer than 24.8: parts compare as numbers, not text");
    assertTrue(accepted("25.3.1.2517-lts"));
    assertFalse(accepted("24.3"));
    assertFalse(accepted("24.7.9.9"));
    assertFalse(accepted("18.16.1"));
    assertFalse(accepted("9.99"));
  }

  @Test
  void trailingZerosDoNotMakeAnotherVersion() {
    assertEquals(ServerVersion.parse("24.8"), ServerVersion.parse("24.8.0.0"));
    assertEquals(ServerVersion.parse("24.8").hashCode(), ServerVersion.parse("24.8.0.0").hashCode());
    assertEquals("26.7.3.1", ServerVersion.parse(" 26.7.3.1\n").toString());
  }

  @Test
  void anAnswerThatIsNoVersionIsRefusedByName() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ServerVersion.parse("Ok."));
    assertEquals("'Ok.' is not a ClickHouse version (expected numbers and dots, e.g. 24.8.1.2)", error.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ServerVersion.parse(""));
    assertThrows(IllegalArgumentException.class, () -> ServerVersion.parse(null));
  }
}
