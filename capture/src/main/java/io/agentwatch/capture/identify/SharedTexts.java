package io.agentwatch.capture.identify;

import java.util.HashMap;

/**
 * One copy of each name many flows carry (an SNI, an ALPN list, a JA4): thousands of open flows to
 * the same API would otherwise hold thousands of equal strings, about half of a flow's heap. Owned
 * by one {@link Identifier}, so one thread; a map of our own instead of {@link String#intern()}, whose
 * JVM-wide table cost 5 % of the packet loop on a capture of 40 000 TLS flows. Bounded: past
 * {@link #LIMIT} distinct texts (names made up by a scanner, say) it starts over, which costs
 * sharing, never correctness.
 */
final class SharedTexts {

  static final int LIMIT = 50_000;

  private final HashMap<String, String> texts = new HashMap<>();

  String share(String text) {
    if (text == null) {
      return null;
    }
    String known = texts.putIfAbsent(text, text);
    if (known != null) {
      return known;
    }
    if (texts.size() > LIMIT) {
      texts.clear();
    }
    return text;
  }
}
