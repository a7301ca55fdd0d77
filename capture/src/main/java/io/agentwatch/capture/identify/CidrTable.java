package io.agentwatch.capture.identify;

import java.util.Locale;

/**
 * Longest-prefix match of addresses against CIDR ranges (a vendor's published ranges, a host
 * inventory's networks and single addresses): a binary trie over the 128-bit address space (IPv4
 * as ::ffff:a.b.c.d), so a lookup costs at most 128 steps whatever the number of ranges, and
 * allocates nothing.
 *
 * @param <V> what a range maps to
 */
public final class CidrTable<V> {

  private static final long IPV4_MAPPED_HI = 0L;
  private static final long IPV4_MAPPED_LO_PREFIX = 0x0000_ffff_0000_0000L;

  private static final class Node<V> {
    Node<V> zero;
    Node<V> one;
    V value;
  }

  /** A parsed range in the 128-bit space. */
  public record Range(long hi, long lo, int prefixLength) {

    /** Parses {@code a.b.c.d/n} or an IPv6 {@code prefix/n}; the message says what is wrong. */
    public static Range parse(String text) {
      String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
      int slash = trimmed.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("not a CIDR range (address/length): '" + text + "'");
      }
      String address = trimmed.substring(0, slash);
      int length;
      try {
        length = Integer.parseInt(trimmed.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in '" + text + "'");
      }
      return of(address, length, text).requireNoHostBits(text);
    }

    /** Parses one address, {@code a.b.c.d} or IPv6, as the range that holds only it. */
    public static Range parseAddress(String text) {
      String address = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
      return of(address, address.contains(":") ? 128 : 32, text);
    }

    private static Range of(String address, int length, String text) {
      if (address.contains(":")) {
        long[] v6 = parseIpv6(address, text);
        requireLength(length, 128, text);
        return new Range(v6[0], v6[1], length);
      }
      long v4 = parseIpv4(address, text);
      requireLength(length, 32, text);
      return new Range(IPV4_MAPPED_HI, IPV4_MAPPED_LO_PREFIX | v4, 96 + length);
    }

    private Range requireNoHostBits(String text) {
      for (int bit = prefixLength; bit < 128; bit++) {
        if (CidrTable.bit(hi, lo, bit)) {
          throw new IllegalArgumentException("'" + text + "' has bits set after the prefix length");
        }
      }
      return this;
    }
  }

  private final Node<V> root = new Node<>();

  /** Adds a range; a later value for the same range replaces the earlier one. */
  public void put(Range range, V value) {
    Node<V> node = root;
    for (int bit = 0; bit < range.prefixLength(); bit++) {
      if (bit(range.hi(), range.lo(), bit)) {
        node = node.one != null ? node.one : (node.one = new Node<>());
      } else {
        node = node.zero != null ? node.zero : (node.zero = new Node<>());
      }
    }
    node.value = value;
  }

  /** The value of the longest range containing the address, or null. IPv4 in {@code lo}, hi 0. */
  public V lookup(int ipVersion, long hi, long lo) {
    long keyHi = ipVersion == 4 ? IPV4_MAPPED_HI : hi;
    long keyLo = ipVersion == 4 ? IPV4_MAPPED_LO_PREFIX | (lo & 0xffff_ffffL) : lo;
    Node<V> node = root;
    V best = root.value;
    for (int bit = 0; bit < 128 && node != null; bit++) {
      node = bit(keyHi, keyLo, bit) ? node.one : node.zero;
      if (node != null && node.value != null) {
        best = node.value;
      }
    }
    return best;
  }

  private static boolean bit(long hi, long lo, int index) {
    return index < 64 ? ((hi >>> (63 - index)) & 1) != 0 : ((lo >>> (127 - index)) & 1) != 0;
  }

  private static void requireLength(int length, int max, String text) {
    if (length < 0 || length > max) {
      throw new IllegalArgumentException("prefix length out of range 0.." + max + " in '" + text + "'");
    }
  }

  private static long parseIpv4(String address, String text) {
    String[] parts = address.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address in '" + text + "'");
    }
    long value = 0;
    for (String part : parts) {
      int octet;
      try {
        octet = part.isEmpty() || part.length() > 3 ? -1 : Integer.parseInt(part);
      } catch (NumberFormatException e) {
        octet = -1;
      }
      if (octet < 0 || octet > 255) {
        throw new IllegalArgumentException("not an IPv4 address in '" + text + "'");
      }
      value = (value << 8) | octet;
    }
    return value;
  }

  private static long[] parseIpv6(String address, String text) {
    int doubleColon = address.indexOf("::");
    if (doubleColon != address.lastIndexOf("::")) {
      throw new IllegalArgumentException("not an IPv6 address in '" + text + "'");
    }
    String[] head = doubleColon < 0 ? address.split(":", -1) : splitGroups(address.substring(0, doubleColon));
    String[] tail = doubleColon < 0 ? new String[0] : splitGroups(address.substring(doubleColon + 2));
    int missing = 8 - head.length - tail.length;
    if ((doubleColon < 0 && head.length != 8) || (doubleColon >= 0 && missing < 1)) {
      throw new IllegalArgumentException("not an IPv6 address in '" + text + "'");
    }
    int[] groups = new int[8];
    for (int i = 0; i < head.length; i++) {
      groups[i] = group(head[i], text);
    }
    for (int i = 0; i < tail.length; i++) {
      groups[8 - tail.length + i] = group(tail[i], text);
    }
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 4; i++) {
      hi = (hi << 16) | groups[i];
      lo = (lo << 16) | groups[i + 4];
    }
    return new long[] {hi, lo};
  }

  private static String[] splitGroups(String part) {
    return part.isEmpty() ? new String[0] : part.split(":", -1);
  }

  private static int group(String text, String whole) {
    if (text.isEmpty() || text.length() > 4) {
      throw new IllegalArgumentException("not an IPv6 address in '" + whole + "'");
    }
    try {
      return Integer.parseInt(text, 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an IPv6 address in '" + whole + "'");
    }
  }
}
