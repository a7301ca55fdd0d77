package io.agentwatch.schema;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Community ID v1 flow hash (github.com/corelight/community-id-spec), seed 0: "1:" + base64 of the
 * SHA-1 over seed, both addresses, protocol, a zero pad byte and both ports, with the endpoints in
 * a canonical order (smaller address first, or on equal addresses the smaller port first), so
 * both directions of a connection, and Zeek, Suricata and tshark, agree on the value. The sensor
 * computes it (capture's Identifier); the store computes it back from a row's own columns
 * ({@link TupleCommunityId}, migration 085), so both must follow this one definition.
 */
public final class CommunityId {

  private static final int SEED = 0;

  private CommunityId() {}

  /**
   * @param ipVersion 4 or 6; IPv4 addresses are in {@code lo} (hi is 0)
   */
  public static String of(int ipVersion, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort, int protocol) {
    return "1:" + Base64.getEncoder().encodeToString(
        hashed(ipVersion, srcHi, srcLo, srcPort, dstHi, dstLo, dstPort, protocol).digest());
  }

  /** The 20 bytes {@link #of} spells in base64, into {@code into} from index 0; allocates nothing. */
  public static void hash(int ipVersion, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort, int protocol,
      byte[] into) {
    try {
      hashed(ipVersion, srcHi, srcLo, srcPort, dstHi, dstLo, dstPort, protocol).digest(into, 0, HASH_BYTES);
    } catch (DigestException e) {
      throw new IllegalArgumentException("a Community ID hash needs " + HASH_BYTES + " bytes, got " + into.length, e);
    }
  }

  /** The length of the hash: SHA-1. */
  public static final int HASH_BYTES = 20;

  /** The thread's digest, fed the canonical input of this flow. */
  private static MessageDigest hashed(int ipVersion, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort,
      int protocol) {
    boolean v4 = ipVersion == 4;
    int byAddress = v4
        ? Integer.compareUnsigned((int) srcLo, (int) dstLo)
        : srcHi != dstHi ? Long.compareUnsigned(srcHi, dstHi) : Long.compareUnsigned(srcLo, dstLo);
    boolean swap = byAddress > 0 || (byAddress == 0 && srcPort > dstPort);
    byte[] input = INPUT.get();
    int at = 0;
    input[at++] = (byte) (SEED >>> 8);
    input[at++] = (byte) SEED;
    at = address(input, at, v4, swap ? dstHi : srcHi, swap ? dstLo : srcLo);
    at = address(input, at, v4, swap ? srcHi : dstHi, swap ? srcLo : dstLo);
    input[at++] = (byte) protocol;
    input[at++] = 0;
    at = port(input, at, swap ? dstPort : srcPort);
    at = port(input, at, swap ? srcPort : dstPort);
    MessageDigest sha1 = SHA1.get();
    sha1.update(input, 0, at);
    return sha1;
  }

  /** The hash input, at most 2 + 16 + 16 + 2 + 4 bytes; reused, as the digest is. */
  private static final ThreadLocal<byte[]> INPUT = ThreadLocal.withInitial(() -> new byte[40]);

  private static int address(byte[] into, int at, boolean v4, long hi, long lo) {
    if (!v4) {
      at = bigEndian(into, at, hi, 8);
    }
    return bigEndian(into, at, lo, v4 ? 4 : 8);
  }

  private static int port(byte[] into, int at, int port) {
    return bigEndian(into, at, port, 2);
  }

  private static int bigEndian(byte[] into, int at, long value, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
      into[at++] = (byte) (value >>> (8 * i));
    }
    return at;
  }

  // One digest per thread: looking SHA-1 up among the security providers for every flow cost more
  // than hashing the 40 bytes.
  private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  });
}
