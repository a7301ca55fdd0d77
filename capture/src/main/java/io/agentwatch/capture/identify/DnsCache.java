package io.agentwatch.capture.identify;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Address → name, from DNS answers seen on the wire, so flows without SNI (ECH, plain TCP, bare
 * IP) can still be named. Bounded: beyond {@code maxEntries} the least recently used address is
 * dropped. TTLs count in capture time: an answer names an address from the moment it was seen
 * until its TTL runs out (at least {@link #MINIMUM_TTL_SECONDS}, since resolvers reuse answers a
 * little past tiny TTLs).
 */
public final class DnsCache {

  public static final int DEFAULT_MAX_ENTRIES = 65_536;
  static final long MINIMUM_TTL_SECONDS = 30;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** An address in the form flows carry it: IPv4 in {@code lo} with {@code hi} 0. */
  private record Address(int ipVersion, long hi, long lo) {}

  private record Entry(String name, long seenNanos, long expiresNanos) {}

  private final Map<Address, Entry> entries;

  public DnsCache(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("DNS cache size must be at least 1, was " + maxEntries);
    }
    this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Address, Entry> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /** Remembers the answers of one response seen at {@code nowNanos} (capture time). */
  public void add(Iterable<DnsResponse.Answer> answers, long nowNanos) {
    for (DnsResponse.Answer answer : answers) {
      Address address = address(answer.address());
      if (address != null) {
        long ttl = Math.max(MINIMUM_TTL_SECONDS, answer.ttlSeconds());
        entries.put(address, new Entry(answer.name(), nowNanos, nowNanos + ttl * NANOS_PER_SECOND));
      }
    }
  }

  /** The name an unexpired answer gave for the address at {@code nowNanos}, or null. */
  public String lookup(int ipVersion, long hi, long lo, long nowNanos) {
    Entry entry = entries.get(new Address(ipVersion, hi, lo));
    if (entry == null || nowNanos < entry.seenNanos() || nowNanos > entry.expiresNanos()) {
      return null;
    }
    return entry.name();
  }

  public int size() {
    return entries.size();
  }

  private static Address address(byte[] bytes) {
    if (bytes.length == 4) {
      return new Address(4, 0, toLong(bytes, 0, 4));
    }
    if (bytes.length == 16) {
      return new Address(6, toLong(bytes, 0, 8), toLong(bytes, 8, 8));
    }
    return null;
  }

  private static long toLong(byte[] bytes, int from, int length) {
    long value = 0;
    for (byte b : Arrays.copyOfRange(bytes, from, from + length)) {
      value = (value << 8) | (b & 0xff);
    }
    return value;
  }
}
