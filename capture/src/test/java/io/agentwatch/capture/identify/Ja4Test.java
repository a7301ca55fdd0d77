package io.agentwatch.capture.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** JA4 against the examples FoxIO publishes (github.com/FoxIO-LLC/ja4, technical_details/JA4.md, rust snapshots). */
class Ja4Test {

  private static int[] hex(String list) {
    return java.util.Arrays.stream(list.split(",")).mapToInt(value -> Integer.parseInt(value, 16)).toArray();
  }

  @Test
  void chromeExampleOfTheJa4SpecificationHashesToThePublishedFingerprint() {
    // JA4_r of the spec: t13d1516h2_002f,...,cca9_0005,...,ff01_0403,...,0601 -> t13d1516h2_8daaf6152771_e5627efa2ab1
    // (also stream 0 of FoxIO's tls-handshake.pcapng snapshot). GREASE values are added and must be ignored.
    Ja4.Hello hello = new Ja4.Hello(
        0x0303,
        hex("3a3a,0304,0303"),
        hex("1a1a,1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035"),
        hex("2a2a,0000,0017,ff01,000a,000b,0023,0010,0005,000d,0012,0033,002d,002b,001b,0015,4469,4a4a"),
        hex("0403,0804,0401,0503,0805,0501,0806,0601"),
        "h2");
    assertEquals("t13d1516h2_8daaf6152771_e5627efa2ab1", Ja4.fingerprint(hello, false));
    assertEquals("q13d1516h2_8daaf6152771_e5627efa2ab1", Ja4.fingerprint(hello, true));
  }

  @Test
  void withoutSniAlpnAndExtensionsTheFingerprintUsesItsPlaceholders() {
    Ja4.Hello hello = new Ja4.Hello(0x0303, new int[0], hex("c02b,c02f"), new int[0], new int[0], null);
    // sha256("c02b,c02f") starts with b6f57f3be927
    assertEquals("t12i020000_b6f57f3be927_000000000000", Ja4.fingerprint(hello, false));
  }

  @Test
  void aNonAlphanumericAlpnIsWrittenAsTheHexOfItsFirstAndLastCharacter() {
    Ja4.Hello hello = new Ja4.Hello(0x0303, new int[0], hex("c02b"), hex("0010"), new int[0], "\u00abx\u00cd");
    assertEquals("t12i0101ad", Ja4.fingerprint(hello, false).substring(0, 10));
  }
}
