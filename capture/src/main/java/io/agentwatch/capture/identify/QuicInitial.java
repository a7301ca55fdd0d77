package io.agentwatch.capture.identify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads the CRYPTO frames of the client's QUIC Initial packets in one UDP datagram: QUIC v1 (RFC
 * 9001), v2 (RFC 9369), draft-29, and Google QUIC with TLS (T050, T051: Chrome until 2021). Initial
 * keys derive from the Destination Connection ID and a public per-version salt, so any observer can
 * remove header protection and decrypt them (RFC 9001 section 5.2); only JDK crypto is used (AES-ECB
 * for the header-protection mask, AES-128-GCM, HKDF on HmacSHA256). Coalesced packets are walked;
 * anything that does not decrypt is skipped. Never throws on malformed input.
 *
 * <p>T050/T051 use the IETF long header, Initial type, header protection and packet protection of
 * QUIC v1 with v1's "quic " labels, but their own salts and Google QUIC's frame type numbers (CRYPTO
 * is 0x08, with the same offset and length fields). Source: nDPI src/lib/protocols/quic.c
 * (quic_derive_initial_secrets, is_version_with_v1_labels, get_crypto_data) at commit
 * 3b1286ab03b0c9223ac208a01868d8c1f6c0ae00, the same salts in Chromium's QUICHE
 * (quic/core/crypto/crypto_utils.cc, kT050Salt and kT051Salt); Wireshark 4.0 dissects the corpus
 * captures ndpi/pcap/quic_t50.pcap and quic_t51.pcap the same way ("Frame Type: CRYPTO (0x08)").
 */
public final class QuicInitial {

  /** Receives each CRYPTO frame's stream offset and data. */
  @FunctionalInterface
  public interface CryptoFrameSink {
    void accept(long offset, byte[] data, int from, int length);
  }

  public enum Status {
    /** At least one Initial packet decrypted; its CRYPTO frames were handed over. */
    DECRYPTED,
    /** A long-header packet of a known version that is not an Initial, or failed to decrypt. */
    NO_INITIAL,
    /** Not QUIC of a version this class knows (short header, Google QUIC Q0xx, other UDP). */
    NOT_QUIC
  }

  /**
   * The frame type numbers an Initial's payload is written in: IETF QUIC's (RFC 9000 section 12.4)
   * or Google QUIC's, which T05x kept. PADDING is 0x00 in both.
   */
  private enum FrameTypes {
    IETF(0x01, 0x06),
    GOOGLE(0x07, 0x08);

    final int ping;
    final int crypto;

    FrameTypes(int ping, int crypto) {
      this.ping = ping;
      this.crypto = crypto;
    }
  }

  /** Per version: the initial salt, the HKDF label prefix, the Initial packet type bits, the frame types. */
  private record Version(String name, byte[] salt, String labelPrefix, int initialType, FrameTypes frames) {}

  private static final Version V1 = new Version("v1", hex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a"), "quic ", 0, FrameTypes.IETF);
  private static final Version V2 = new Version("v2", hex("0dede3def700a6db819381be6e269dcbf9bd2ed9"), "quicv2 ", 1, FrameTypes.IETF);
  private static final Version DRAFT_29 =
      new Version("draft-29", hex("afbfec289993d24c9e9786f19c6111e04390a899"), "quic ", 0, FrameTypes.IETF);
  private static final Version T050 = new Version("T050", hex("7ff579e5acd072915580304c43a2367c60488310"), "quic ", 0, FrameTypes.GOOGLE);
  private static final Version T051 = new Version("T051", hex("7a4edef4e7ccee5fa4506c19124fc8ccda6e033d"), "quic ", 0, FrameTypes.GOOGLE);

  private static final int MAX_CONNECTION_ID = 20;
  private static final int SAMPLE_LENGTH = 16;
  private static final int TAG_LENGTH = 16;
  private static final int FRAME_PADDING = 0x00;
  private static final int FRAME_ACK = 0x02;
  private static final int FRAME_ACK_ECN = 0x03;

  private QuicInitial() {}

  /** True if the bytes start with a long-header packet of a version this class can decrypt. */
  public static boolean isKnownLongHeader(byte[] data, int offset, int length) {
    return length >= 7 && (data[offset] & 0xc0) == 0xc0 && version(u32(data, offset + 1)) != null;
  }

  /** The version on the wire, or null; a switch, so that no packet boxes its version number. */
  private static Version version(int wire) {
    return switch (wire) {
      case 0x00000001 -> V1;
      case 0x6b3343cf -> V2;
      case 0xff00001d -> DRAFT_29;
      case 0x54303530 -> T050;
      case 0x54303531 -> T051;
      default -> null;
    };
  }

  /** Decrypts the Initial packets of the datagram {@code data[offset, offset + length)}. */
  public static Status read(byte[] data, int offset, int length, CryptoFrameSink sink) {
    if (data == null || offset < 0 || length < 0 || offset > data.length - length || !isKnownLongHeader(data, offset, length)) {
      return Status.NOT_QUIC;
    }
    Status status = Status.NO_INITIAL;
    int position = offset;
    int end = offset + length;
    while (position < end && isKnownLongHeader(data, position, end - position)) {
      int next = readPacket(data, position, end, sink);
      if (next == -1) {
        break;
      }
      if (next > 0) {
        status = Status.DECRYPTED;
      }
      position = Math.abs(next);
    }
    return status;
  }

  /**
   * Reads one long-header packet at {@code start}: returns the end of the packet if it was a
   * decrypted Initial, minus that end if it was skipped, and -1 when the header is malformed.
   */
  private static int readPacket(byte[] data, int start, int end, CryptoFrameSink sink) {
    Version version = version(u32(data, start + 1));
    int position = start + 5;
    int dcidLength = data[position++] & 0xff;
    if (dcidLength > MAX_CONNECTION_ID || position + dcidLength >= end) {
      return -1;
    }
    int dcidStart = position;
    position += dcidLength;
    int scidLength = data[position++] & 0xff;
    if (scidLength > MAX_CONNECTION_ID || position + scidLength >= end) {
      return -1;
    }
    position += scidLength;
    boolean initial = ((data[start] >> 4) & 0x03) == version.initialType();
    if (initial) {
      long tokenLength = varint(data, position, end);
      if (tokenLength < 0) {
        return -1;
      }
      position += varintSize(data[position]);
      if (tokenLength > end - position) {
        return -1;
      }
      position += (int) tokenLength;
    }
    if (position >= end) {
      return -1;
    }
    long packetLength = varint(data, position, end);
    if (packetLength < 0) {
      return -1;
    }
    position += varintSize(data[position]);
    if (packetLength > end - position) {
      return -1;
    }
    int packetNumberOffset = position;
    int packetEnd = position + (int) packetLength;
    if (!initial) {
      return -packetEnd;
    }
    return decrypt(version, data, start, dcidStart, dcidLength, packetNumberOffset, packetEnd, sink) ? packetEnd : -packetEnd;
  }

  private static boolean decrypt(
      Version version, byte[] data, int start, int dcidStart, int dcidLength, int packetNumberOffset, int packetEnd,
      CryptoFrameSink sink) {
    if (packetNumberOffset + 4 + SAMPLE_LENGTH > packetEnd) {
      return false;
    }
    try {
      byte[] initialSecret = hmac(version.salt(), data, dcidStart, dcidLength);
      byte[] clientSecret = expandLabel(initialSecret, "tls13 client in", 32);
      byte[] key = expandLabel(clientSecret, "tls13 " + version.labelPrefix() + "key", 16);
      byte[] iv = expandLabel(clientSecret, "tls13 " + version.labelPrefix() + "iv", 12);
      byte[] headerProtectionKey = expandLabel(clientSecret, "tls13 " + version.labelPrefix() + "hp", 16);

      Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
      ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(headerProtectionKey, "AES"));
      byte[] mask = ecb.doFinal(data, packetNumberOffset + 4, SAMPLE_LENGTH);

      // Unprotect a copy of the header: the captured bytes stay as they were.
      int firstByte = (data[start] ^ (mask[0] & 0x0f)) & 0xff;
      int packetNumberLength = (firstByte & 0x03) + 1;
      int headerLength = packetNumberOffset + packetNumberLength - start;
      byte[] header = new byte[headerLength];
      System.arraycopy(data, start, header, 0, headerLength);
      header[0] = (byte) firstByte;
      byte[] nonce = iv.clone();
      for (int i = 0; i < packetNumberLength; i++) {
        int at = headerLength - packetNumberLength + i;
        header[at] ^= mask[1 + i];
        nonce[nonce.length - packetNumberLength + i] ^= header[at];
      }
      int ciphertextStart = packetNumberOffset + packetNumberLength;
      int ciphertextLength = packetEnd - ciphertextStart;
      if (ciphertextLength < TAG_LENGTH) {
        return false;
      }
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      gcm.updateAAD(header);
      byte[] plaintext = gcm.doFinal(data, ciphertextStart, ciphertextLength);
      readFrames(plaintext, version.frames(), sink);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      // A packet that does not authenticate is simply not ours to read (or was not an Initial).
      return false;
    }
  }

  /**
   * Hands over CRYPTO frames; stops at the first frame type an Initial packet may not carry. In
   * Google QUIC's types it also stops at an ACK (0x40-0x7f, a layout of its own): a client's ACK
   * comes in a later Initial than its ClientHello.
   */
  private static void readFrames(byte[] frames, FrameTypes types, CryptoFrameSink sink) {
    int position = 0;
    int end = frames.length;
    while (position < end) {
      int type = frames[position] & 0xff;
      if (type == FRAME_PADDING || type == types.ping) {
        position++;
        continue;
      }
      if (type == types.crypto) {
        position++;
        long offset = varint(frames, position, end);
        if (offset < 0) {
          return;
        }
        position += varintSize(frames[position]);
        long length = varint(frames, position, end);
        if (length < 0) {
          return;
        }
        position += varintSize(frames[position]);
        if (length > end - position) {
          return;
        }
        sink.accept(offset, frames, position, (int) length);
        position += (int) length;
      } else if (types == FrameTypes.IETF && (type == FRAME_ACK || type == FRAME_ACK_ECN)) {
        position = skipAck(frames, position + 1, end, type == FRAME_ACK_ECN);
        if (position < 0) {
          return;
        }
      } else {
        // CONNECTION_CLOSE or anything unexpected ends the walk.
        return;
      }
    }
  }

  /** ACK: largest, delay, range count, first range, then (gap, length) pairs; ECN adds 3 counts. */
  private static int skipAck(byte[] frames, int position, int end, boolean ecn) {
    long[] fields = new long[4];
    for (int i = 0; i < 4; i++) {
      fields[i] = varint(frames, position, end);
      if (fields[i] < 0) {
        return -1;
      }
      position += varintSize(frames[position]);
    }
    long more = fields[2] * 2 + (ecn ? 3 : 0);
    for (long i = 0; i < more; i++) {
      if (varint(frames, position, end) < 0) {
        return -1;
      }
      position += varintSize(frames[position]);
    }
    return position;
  }

  /** HKDF-Expand-Label (RFC 8446 section 7.1) with an empty context; lengths up to 32. */
  private static byte[] expandLabel(byte[] secret, String fullLabel, int length) throws GeneralSecurityException {
    byte[] label = fullLabel.getBytes(StandardCharsets.US_ASCII);
    byte[] info = new byte[2 + 1 + label.length + 1 + 1];
    info[0] = (byte) (length >> 8);
    info[1] = (byte) length;
    info[2] = (byte) label.length;
    System.arraycopy(label, 0, info, 3, label.length);
    info[3 + label.length] = 0; // empty context
    info[info.length - 1] = 1; // HKDF-Expand counter: one block is enough for <= 32 bytes
    byte[] block = hmac(secret, info, 0, info.length);
    byte[] out = new byte[length];
    System.arraycopy(block, 0, out, 0, length);
    return out;
  }

  private static byte[] hmac(byte[] key, byte[] data, int offset, int length) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    mac.update(data, offset, length);
    return mac.doFinal();
  }

  /** A QUIC variable-length integer at {@code position}, or -1 if it runs past {@code end}. */
  static long varint(byte[] data, int position, int end) {
    if (position >= end) {
      return -1;
    }
    int size = varintSize(data[position]);
    if (position + size > end) {
      return -1;
    }
    long value = data[position] & 0x3f;
    for (int i = 1; i < size; i++) {
      value = (value << 8) | (data[position + i] & 0xff);
    }
    return value;
  }

  private static int varintSize(byte first) {
    return 1 << ((first & 0xc0) >> 6);
  }

  private static int u32(byte[] data, int at) {
    return ((data[at] & 0xff) << 24) | ((data[at + 1] & 0xff) << 16) | ((data[at + 2] & 0xff) << 8) | (data[at + 3] & 0xff);
  }

  private static byte[] hex(String text) {
    return HexFormat.of().parseHex(text);
  }
}
