package io.agentwatch.schema;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * Whether a record's Community ID is the one its own stored addresses, ports and transport give
 * ({@link CommunityId}, seed 0, as every sensor computes it): then the store keeps neither its
 * 20-byte hash nor its text, and the {@code flows} table computes it back when read (migration
 * 085). Decided on the row exactly as the store will read it: both addresses as the IPv6 column
 * holds them (an IPv4 literal as ::ffff:a.b.c.d, and IPv4 hashing when both are), tcp 6 and udp 17.
 * A record it does not match (a pseudonymised host, another transport, a hash made elsewhere) keeps
 * its stored hash or text, so the store gives back the record's own Community ID either way.
 *
 * <p>Two columns ask about the same record one after the other (the flag, the hash): the thread's
 * last answer is kept for the same field values, so a record costs one SHA-1.
 */
public final class TupleCommunityId {

  private static final int TCP = 6;
  private static final int UDP = 17;

  private TupleCommunityId() {}

  /** The last record's fields and answer (compared by reference: the same strings give the same answer), and work buffers. */
  private static final class Last {
    String id;
    String src;
    String dst;
    int srcPort;
    int dstPort;
    Transport transport;
    boolean matches;
    final long[] source = new long[3];
    final long[] destination = new long[3];
    final byte[] stated = new byte[CommunityId.HASH_BYTES];
    final byte[] computed = new byte[CommunityId.HASH_BYTES];
  }

  private static final ThreadLocal<Last> LAST = ThreadLocal.withInitial(Last::new);

  /** Whether {@code record}'s Community ID is the one the store computes from the row's own columns. */
  public static boolean matches(FlowRecord record) {
    String id = record.getCommunityId();
    String src = record.getSrcIp();
    String dst = record.getDstIp();
    int srcPort = record.getSrcPort();
    int dstPort = record.getDstPort();
    Transport transport = record.getTransport();
    Last last = LAST.get();
    if (id != null && id == last.id && src == last.src && dst == last.dst && srcPort == last.srcPort
        && dstPort == last.dstPort && transport == last.transport) {
      return last.matches;
    }
    boolean matches = computedFromTuple(id, src, dst, srcPort, dstPort, transport, last);
    last.id = id;
    last.src = src;
    last.dst = dst;
    last.srcPort = srcPort;
    last.dstPort = dstPort;
    last.transport = transport;
    last.matches = matches;
    return matches;
  }

  private static boolean computedFromTuple(String id, String src, String dst, int srcPort, int dstPort, Transport transport,
      Last work) {
    int protocol = transport == Transport.TCP ? TCP : transport == Transport.UDP ? UDP : -1;
    if (protocol < 0 || !FlowColumns.isCanonicalCommunityId(id) || FlowColumns.isPseudonym(src)
        || !stored(src, work.source) || !stored(dst, work.destination)) {
      return false;
    }
    long[] s = work.source;
    long[] d = work.destination;
    boolean v4 = s[0] == 4 && d[0] == 4;
    // Mixed families hash both as the store holds them: 16 bytes, the IPv4 one mapped.
    CommunityId.hash(v4 ? 4 : 6, v4 ? 0 : s[1], v4 ? s[2] : mapped(s), srcPort,
        v4 ? 0 : d[1], v4 ? d[2] : mapped(d), dstPort, protocol, work.computed);
    FlowColumns.communityIdHash(id, work.stated);
    return Arrays.equals(work.stated, work.computed);
  }

  /** The low 64 bits of the 16 the store holds: an IPv4 address as ::ffff:a.b.c.d. */
  private static long mapped(long[] address) {
    return address[0] == 4 ? 0xFFFF_0000_0000L | address[2] : address[2];
  }

  /** {@code literal} into {family 4 or 6, high 64 bits, low 64 bits} (IPv4 in the low 32); false if it is no address. */
  private static boolean stored(String literal, long[] into) {
    long ipv4 = AddressLiterals.plainIpv4(literal);
    if (ipv4 >= 0) {
      into[0] = 4;
      into[1] = 0;
      into[2] = ipv4;
      return true;
    }
    InetAddress address;
    try {
      address = AddressLiterals.parse(literal);
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] octets = address.getAddress();
    if (address instanceof Inet4Address) {
      into[0] = 4;
      into[1] = 0;
      into[2] = bigEndian(octets, 0, 4);
    } else {
      into[0] = 6;
      into[1] = bigEndian(octets, 0, 8);
      into[2] = bigEndian(octets, 8, 8);
    }
    return true;
  }

  private static long bigEndian(byte[] octets, int from, int length) {
    long value = 0;
    for (int i = from; i < from + length; i++) {
      value = (value << 8) | (octets[i] & 0xFF);
    }
    return value;
  }
}
