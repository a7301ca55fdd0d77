package io.agentwatch.capture.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PseudonymizerTest {

  static final byte[] KEY = "a secret of at least sixteen bytes".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER_KEY = "another secret, also long enough".getBytes(StandardCharsets.UTF_8);

  @Test
  void theSameAddressUnderTheSameKeyAlwaysGetsTheSamePseudonym() {
    String first = new Pseudonymizer(KEY).pseudonym("10.1.2.3");
    assertTrue(first.matches("h-[0-9a-f]{16}"), first);
    assertEquals(first, new Pseudonymizer(KEY.clone()).pseudonym("10.1.2.3"), "a restarted sensor with the same key");
    Pseudonymizer pseudonymizer = new Pseudonymizer(KEY);
    assertEquals(first, pseudonymizer.pseudonym(4, 0, 0x0a01_0203L));
    assertEquals(first, pseudonymizer.pseudonym(4, 0, 0x0a01_0203L), "from the cache");
  }

  @Test
  void pseudonymsDoNotChangeBetweenVersions() {
    // HMAC-SHA256(key, ::ffff:10.1.2.3), first 8 bytes: computed with Python's hmac module.
    assertEquals("h-577c0f010bef2aa2", new Pseudonymizer(KEY).pseudonym("10.1.2.3"));
  }

  @Test
  void anotherKeyGivesOtherPseudonyms() {
    assertNotEquals(new Pseudonymizer(KEY).pseudonym("10.1.2.3"), new Pseudonymizer(OTHER_KEY).pseudonym("10.1.2.3"));
  }

  @Test
  void everyAddressOfASubnetGetsItsOwnPseudonym() {
    Pseudonymizer pseudonymizer = new Pseudonymizer(KEY);
    Set<String> pseudonyms = new HashSet<>();
    for (int host = 0; host < 4096; host++) {
      pseudonyms.add(pseudonymizer.pseudonym(4, 0, 0x0a00_0000L + host));
    }
    assertEquals(4096, pseudonyms.size());
    assertNotEquals(pseudonymizer.pseudonym("2001:db8::1"), pseudonymizer.pseudonym("2001:db8::2"));
  }

  @Test
  void anIpv4HostKeepsItsPseudonymAsAnIpv4MappedAddress() {
    Pseudonymizer pseudonymizer = new Pseudonymizer(KEY);
    assertEquals(pseudonymizer.pseudonym("10.1.2.3"), pseudonymizer.pseudonym(6, 0, 0x0000_ffff_0a01_0203L));
  }

  @Test
  void aShortKeyIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Pseudonymizer(new byte[8]));
    assertEquals("pseudonymisation key is 8 bytes; at least 16 are needed", e.getMessage());
  }
}
