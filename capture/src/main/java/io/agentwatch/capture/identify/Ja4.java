package io.agentwatch.capture.identify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The JA4 TLS client fingerprint as FoxIO publishes it (github.com/FoxIO-LLC/ja4,
 * technical_details/JA4.md): {@code a_b_c} where
 *
 * <ul>
 *   <li>a = transport ({@code t} TCP, {@code q} QUIC) + highest offered version + {@code d} (SNI
 *       extension present) or {@code i} + cipher count + extension count (two digits each, GREASE
 *       not counted) + first and last character of the first ALPN ({@code 00} without ALPN);
 *   <li>b = the first 12 hex digits of the SHA-256 of the sorted cipher suites, as 4-digit hex joined
 *       by commas;
 *   <li>c = the same over the sorted extensions without SNI and ALPN, then {@code _} and the
 *       signature algorithms in their original order.
 * </ul>
 */
public final class Ja4 {

  /** What a ClientHello says that JA4 needs; the arrays are in wire order, GREASE included. */
  public record Hello(
      int legacyVersion, int[] supportedVersions, int[] ciphers, int[] extensions, int[] signatureAlgorithms, String firstAlpn) {

    /** Offered versions without GREASE: supported_versions, or else the legacy version. */
    public List<Integer> offeredVersions() {
      List<Integer> versions = new ArrayList<>();
      for (int version : supportedVersions) {
        if (!isGrease(version)) {
          versions.add(version);
        }
      }
      return versions.isEmpty() ? List.of(legacyVersion) : List.copyOf(versions);
    }
  }

  private static final Map<Integer, String> VERSION_CODES = Map.of(
      0x0304, "13", 0x0303, "12", 0x0302, "11", 0x0301, "10", 0x0300, "s3", 0x0002, "s2",
      0xfeff, "d1", 0xfefd, "d2", 0xfefc, "d3");
  private static final int EXTENSION_SERVER_NAME = 0x0000;
  private static final int EXTENSION_ALPN = 0x0010;
  private static final String EMPTY_HASH = "000000000000";

  private Ja4() {}

  public static String fingerprint(Hello hello, boolean quic) {
    int[] ciphers = withoutGrease(hello.ciphers());
    int[] extensions = withoutGrease(hello.extensions());
    int[] signatureAlgorithms = withoutGrease(hello.signatureAlgorithms());
    boolean sniPresent = contains(extensions, EXTENSION_SERVER_NAME);
    StringBuilder ja4 = new StringBuilder(36);
    ja4.append(quic ? 'q' : 't')
        .append(version(hello))
        .append(sniPresent ? 'd' : 'i')
        .append(twoDigits(ciphers.length))
        .append(twoDigits(extensions.length))
        .append(alpnCode(hello.firstAlpn()))
        .append('_')
        .append(cipherHash(sorted(ciphers)))
        .append('_')
        .append(extensionHash(sorted(without(extensions, EXTENSION_SERVER_NAME, EXTENSION_ALPN)), signatureAlgorithms));
    return ja4.toString();
  }

  /** GREASE values (RFC 8701) are 0x?a?a with both bytes equal. */
  static boolean isGrease(int value) {
    return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff);
  }

  private static String version(Hello hello) {
    int highest = -1;
    for (int version : hello.supportedVersions()) {
      if (!isGrease(version)) {
        highest = Math.max(highest, version);
      }
    }
    return VERSION_CODES.getOrDefault(highest >= 0 ? highest : hello.legacyVersion(), "00");
  }

  private static String twoDigits(int count) {
    int capped = Math.min(count, 99);
    return capped < 10 ? "0" + capped : Integer.toString(capped);
  }

  /** First and last character of the first ALPN; their hex digits if either is not alphanumeric. */
  private static String alpnCode(String alpn) {
    if (alpn == null || alpn.isEmpty()) {
      return "00";
    }
    char first = alpn.charAt(0);
    char last = alpn.charAt(alpn.length() - 1);
    if (isAlphanumeric(first) && isAlphanumeric(last)) {
      return "" + first + last;
    }
    String hex = HexFormat.of().formatHex(alpn.getBytes(StandardCharsets.ISO_8859_1));
    return "" + hex.charAt(0) + hex.charAt(hex.length() - 1);
  }

  private static boolean isAlphanumeric(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  // Plain loops rather than IntStreams: this runs once per ClientHello, and a file is read with the
  // C1 compiler only (see the launcher), which does not inline a stream pipeline.
  private static int[] withoutGrease(int[] values) {
    int[] kept = new int[values.length];
    int count = 0;
    for (int value : values) {
      if (!isGrease(value)) {
        kept[count++] = value;
      }
    }
    return count == kept.length ? kept : Arrays.copyOf(kept, count);
  }

  private static int[] without(int[] values, int first, int second) {
    int[] kept = new int[values.length];
    int count = 0;
    for (int value : values) {
      if (value != first && value != second) {
        kept[count++] = value;
      }
    }
    return Arrays.copyOf(kept, count);
  }

  private static boolean contains(int[] values, int wanted) {
    for (int value : values) {
      if (value == wanted) {
        return true;
      }
    }
    return false;
  }

  /** Sorts in place: every array passed here is a fresh one from withoutGrease or without. */
  private static int[] sorted(int[] values) {
    Arrays.sort(values);
    return values;
  }

  private static final HexFormat HEX = HexFormat.of();

  /** "1301,1302,c02b": four lower-case hex digits per value (String.format cost a fifth of the sensor's time). */
  private static String hexList(int[] values) {
    StringBuilder text = new StringBuilder(values.length * 5);
    for (int value : values) {
      if (text.length() > 0) {
        text.append(',');
      }
      HEX.toHexDigits(text, (byte) (value >>> 8));
      HEX.toHexDigits(text, (byte) value);
    }
    return text.toString();
  }

  private static String cipherHash(int[] sortedCiphers) {
    return sortedCiphers.length == 0 ? EMPTY_HASH : cachedHash(new HashInput(sortedCiphers, NONE), () -> hexList(sortedCiphers));
  }

  /** The sorted extensions without SNI and ALPN, then the signature algorithms in wire order. */
  private static String extensionHash(int[] sortedExtensions, int[] signatureAlgorithms) {
    if (sortedExtensions.length == 0) {
      return EMPTY_HASH;
    }
    return cachedHash(new HashInput(sortedExtensions, signatureAlgorithms), () -> signatureAlgorithms.length == 0
        ? hexList(sortedExtensions)
        : hexList(sortedExtensions) + "_" + hexList(signatureAlgorithms));
  }

  private static final int[] NONE = new int[0];

  /** The values a truncated hash is computed from, compared by content. */
  private record HashInput(int[] values, int[] moreValues) {
    @Override
    public boolean equals(Object other) {
      return other instanceof HashInput input && Arrays.equals(values, input.values) && Arrays.equals(moreValues, input.moreValues);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(values) + Arrays.hashCode(moreValues);
    }
  }

  /**
   * Truncated hashes by the values they are computed from. A fleet runs a handful of TLS stacks, so
   * nearly every ClientHello repeats a cipher and extension list seen before; spelling the list
   * out and hashing it again was an eighth of the time to read a capture. Bounded: emptied when it
   * reaches {@link #HASH_CACHE_LIMIT} entries.
   */
  private static final Map<HashInput, String> HASH_CACHE = new ConcurrentHashMap<>();
  private static final int HASH_CACHE_LIMIT = 4096;

  private static String cachedHash(HashInput input, Supplier<String> text) {
    String cached = HASH_CACHE.get(input);
    if (cached != null) {
      return cached;
    }
    if (HASH_CACHE.size() >= HASH_CACHE_LIMIT) {
      HASH_CACHE.clear();
    }
    String hash = sha256Prefix(text.get());
    HASH_CACHE.put(input, hash);
    return hash;
  }

  private static String sha256Prefix(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
