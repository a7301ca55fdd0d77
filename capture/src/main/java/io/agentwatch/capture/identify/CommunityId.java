package io.agentwatch.capture.identify;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Community ID v1 flow hash (github.com/corelight/community-id-spec), seed 0: "1:" + base64 of the
 * SHA-1 over seed, both addresses, protocol, a zero pad byte and both ports, with the endpoints in
 * a canonical order (smaller address first, or on equal addresses the smaller port first), so
 * both directions of a connection, and Zeek, Suricata and tshark, agree on the value.
 */
public final class CommunityId {

  private static final int SEED = 0;

  private CommunityId() {}

  /**
   * @param ipVersion 4 or 6; IPv4 addresses are in {@code lo} (hi is 0)
   */
  public static String of(int ipVersion, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort, int protocol) {
    int addressLength = ipVersion == 4 ? 4 : 16;
    byte[] src = address(addressLength, srcHi, srcLo);
    byte[] dst = address(addressLength, dstHi, dstLo);
    int byAddress = Arrays.compareUnsigned(src, dst);
    boolean swap = byAddress > 0 || (byAddress == 0 && srcPort > dstPort);
    ByteBuffer input = ByteBuffer.allocate(2 + 2 * addressLength + 2 + 4);
    input.putShort((short) SEED)
        .put(swap ? dst : src)
        .put(swap ? src : dst)
        .put((byte) protocol)
        .put((byte) 0)
        .putShort((short) (swap ? dstPort : srcPort))
        .putShort((short) (swap ? srcPort : dstPort));
    byte[] digest = SHA1.get().digest(input.array());
    return "1:" + Base64.getEncoder().encodeToString(digest);
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

  private static byte[] address(int length, long hi, long lo) {
    ByteBuffer bytes = ByteBuffer.allocate(length);
    if (length == 4) {
      bytes.putInt((int) lo);
    } else {
      bytes.putLong(hi).putLong(lo);
    }
    return bytes.array();
  }
}
