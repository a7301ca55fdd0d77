package io.agentwatch.capture.identify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses the server name (SNI), the offered ALPN protocols and versions, the Encrypted Client Hello
 * flag and the inputs of the JA4 fingerprint from the first bytes a TLS client sends (over TCP:
 * records; over QUIC: the bare handshake message, see {@link #parseHandshake}). The input may be a prefix of the stream: the answer is then {@link Status#INCOMPLETE},
 * and values are only reported once the whole ClientHello is present, so a missing segment can
 * never produce a wrong name. Every read is bounds-checked; no input makes {@link #parse} throw.
 */
public final class TlsClientHello {

  public enum Status {
    /** A complete ClientHello; sni and alpn are set when present. */
    CLIENT_HELLO,
    /** Looks like TLS so far; more bytes are needed. */
    INCOMPLETE,
    /** The bytes are not a TLS handshake starting with a ClientHello. */
    NOT_TLS,
    /** A ClientHello whose inner lengths do not fit. */
    MALFORMED
  }

  /**
   * @param alpn protocols in the client's order; empty when the extension is absent
   * @param ech the client offered Encrypted Client Hello (extension 0xfe0d): sni is the outer name
   * @param hello the values JA4 is computed from; null unless status is CLIENT_HELLO
   */
  public record Result(Status status, String sni, List<String> alpn, boolean ech, Ja4.Hello hello) {
    static final Result INCOMPLETE = new Result(Status.INCOMPLETE, null, List.of(), false, null);
    static final Result NOT_TLS = new Result(Status.NOT_TLS, null, List.of(), false, null);
    static final Result MALFORMED = new Result(Status.MALFORMED, null, List.of(), false, null);

    /** True when no more bytes can change the answer. */
    public boolean isFinal() {
      return status != Status.INCOMPLETE;
    }

    /** Versions offered in supported_versions (GREASE removed), or the legacy version alone. */
    public List<Integer> versions() {
      return hello == null ? List.of() : hello.offeredVersions();
    }

    /** The JA4 fingerprint; {@code quic} selects the 'q' transport letter. Null unless complete. */
    public String ja4(boolean quic) {
      return hello == null ? null : Ja4.fingerprint(hello, quic);
    }
  }

  private static final int CONTENT_TYPE_HANDSHAKE = 0x16;
  private static final int HANDSHAKE_CLIENT_HELLO = 1;
  private static final int RECORD_HEADER = 5;
  private static final int HANDSHAKE_HEADER = 4;
  private static final int MAX_RECORD_LENGTH = 16384 + 2048;
  private static final int MAX_CLIENT_HELLO = 64 * 1024;
  private static final int EXTENSION_SERVER_NAME = 0;
  private static final int EXTENSION_ALPN = 16;
  private static final int EXTENSION_SIGNATURE_ALGORITHMS = 13;
  private static final int EXTENSION_SUPPORTED_VERSIONS = 43;
  private static final int EXTENSION_ENCRYPTED_CLIENT_HELLO = 0xfe0d;
  private static final int MAX_LIST = 512;
  /** Browsers and TLS libraries send 10-20 extensions; the list grows past this when needed. */
  private static final int TYPICAL_EXTENSIONS = 24;
  private static final int SERVER_NAME_HOST = 0;

  private TlsClientHello() {}

  /** Parses {@code data[offset, offset + length)}, the client's bytes from the first one on. */
  public static Result parse(byte[] data, int offset, int length) {
    if (data == null || offset < 0 || length < 0 || offset > data.length - length) {
      return Result.MALFORMED;
    }
    int end = offset + length;
    if (length < 1) {
      return Result.INCOMPLETE;
    }
    if ((data[offset] & 0xff) != CONTENT_TYPE_HANDSHAKE || (length >= 2 && data[offset + 1] != 3)) {
      return Result.NOT_TLS;
    }
    if (length < RECORD_HEADER + HANDSHAKE_HEADER) {
      return Result.INCOMPLETE;
    }
    int recordLength = u16(data, offset + 3);
    if (recordLength < HANDSHAKE_HEADER || recordLength > MAX_RECORD_LENGTH
        || (data[offset + RECORD_HEADER] & 0xff) != HANDSHAKE_CLIENT_HELLO) {
      return Result.NOT_TLS;
    }
    int helloLength = u24(data, offset + RECORD_HEADER + 1);
    if (helloLength > MAX_CLIENT_HELLO) {
      return Result.MALFORMED;
    }
    int bodyStart = offset + RECORD_HEADER + HANDSHAKE_HEADER;
    if (HANDSHAKE_HEADER + helloLength <= recordLength) {
      return bodyStart + helloLength > end ? Result.INCOMPLETE : parseBody(data, bodyStart, bodyStart + helloLength);
    }
    return parseAcrossRecords(data, offset, end, helloLength);
  }

  /**
   * Parses a bare handshake message (no record layer), as QUIC carries it in CRYPTO frames:
   * {@code data[offset, offset + length)} starts with the handshake type.
   */
  public static Result parseHandshake(byte[] data, int offset, int length) {
    if (data == null || offset < 0 || length < 0 || offset > data.length - length) {
      return Result.MALFORMED;
    }
    if (length < HANDSHAKE_HEADER) {
      return length > 0 && (data[offset] & 0xff) != HANDSHAKE_CLIENT_HELLO ? Result.NOT_TLS : Result.INCOMPLETE;
    }
    if ((data[offset] & 0xff) != HANDSHAKE_CLIENT_HELLO) {
      return Result.NOT_TLS;
    }
    int helloLength = u24(data, offset + 1);
    if (helloLength > MAX_CLIENT_HELLO) {
      return Result.MALFORMED;
    }
    int bodyStart = offset + HANDSHAKE_HEADER;
    return bodyStart + helloLength > offset + length ? Result.INCOMPLETE : parseBody(data, bodyStart, bodyStart + helloLength);
  }

  /** A ClientHello larger than one record continues in the following handshake records. */
  private static Result parseAcrossRecords(byte[] data, int offset, int end, int helloLength) {
    byte[] handshake = new byte[HANDSHAKE_HEADER + helloLength];
    int filled = 0;
    int record = offset;
    while (filled < handshake.length) {
      if (record + RECORD_HEADER > end) {
        return Result.INCOMPLETE;
      }
      if ((data[record] & 0xff) != CONTENT_TYPE_HANDSHAKE) {
        return Result.MALFORMED;
      }
      int recordLength = u16(data, record + 3);
      if (recordLength == 0 || recordLength > MAX_RECORD_LENGTH) {
        return Result.MALFORMED;
      }
      int take = Math.min(recordLength, handshake.length - filled);
      if (record + RECORD_HEADER + take > end) {
        return Result.INCOMPLETE;
      }
      System.arraycopy(data, record + RECORD_HEADER, handshake, filled, take);
      filled += take;
      record += RECORD_HEADER + recordLength;
    }
    return parseBody(handshake, HANDSHAKE_HEADER, handshake.length);
  }

  private static Result parseBody(byte[] data, int start, int end) {
    Reader hello = new Reader(data, start, end);
    try {
      int legacyVersion = hello.u16();
      hello.skip(32); // random
      hello.skip(hello.u8()); // legacy_session_id
      int[] ciphers = u16List(hello.sub(hello.u16()));
      hello.skip(hello.u8()); // legacy_compression_methods
      String sni = null;
      List<String> alpn = List.of();
      boolean ech = false;
      int[] signatureAlgorithms = new int[0];
      int[] supportedVersions = new int[0];
      int[] extensionTypes = new int[TYPICAL_EXTENSIONS];
      int extensionCount = 0;
      if (hello.remaining() > 0) {
        Reader extensions = hello.sub(hello.u16());
        while (extensions.remaining() > 0) {
          int type = extensions.u16();
          Reader extension = extensions.sub(extensions.u16());
          if (extensionCount < MAX_LIST) {
            if (extensionCount == extensionTypes.length) {
              extensionTypes = Arrays.copyOf(extensionTypes, Math.min(MAX_LIST, extensionCount * 2));
            }
            extensionTypes[extensionCount++] = type;
          }
          if (type == EXTENSION_SERVER_NAME && sni == null) {
            sni = serverName(extension);
          } else if (type == EXTENSION_ALPN && alpn.isEmpty()) {
            alpn = protocols(extension);
          } else if (type == EXTENSION_SIGNATURE_ALGORITHMS) {
            signatureAlgorithms = u16List(extension.sub(extension.u16()));
          } else if (type == EXTENSION_SUPPORTED_VERSIONS) {
            supportedVersions = u16List(extension.sub(extension.u8()));
          } else if (type == EXTENSION_ENCRYPTED_CLIENT_HELLO) {
            ech = true;
          }
        }
      }
      Ja4.Hello fingerprintInput = new Ja4.Hello(
          legacyVersion, supportedVersions, ciphers, Arrays.copyOf(extensionTypes, extensionCount), signatureAlgorithms,
          alpn.isEmpty() ? null : alpn.get(0));
      return new Result(Status.CLIENT_HELLO, sni, alpn, ech, fingerprintInput);
    } catch (OutOfBounds e) {
      return Result.MALFORMED;
    }
  }

  /** A list of 16-bit values (cipher suites, signature algorithms, versions). */
  private static int[] u16List(Reader list) {
    int[] values = new int[Math.min(MAX_LIST, list.remaining() / 2)];
    for (int i = 0; i < values.length; i++) {
      values[i] = list.u16();
    }
    return values;
  }

  private static String serverName(Reader extension) {
    Reader names = extension.sub(extension.u16());
    while (names.remaining() > 0) {
      int nameType = names.u8();
      Reader name = names.sub(names.u16());
      if (nameType == SERVER_NAME_HOST) {
        return hostName(name);
      }
    }
    return null;
  }

  /** Only a plausible DNS name is reported; anything else is treated as absent. */
  private static String hostName(Reader name) {
    int length = name.remaining();
    if (length == 0 || length > 255) {
      return null;
    }
    for (int i = 0; i < length; i++) {
      int c = name.data[name.position + i] & 0xff;
      if (c <= 0x20 || c >= 0x7f) {
        return null;
      }
    }
    return new String(name.data, name.position, length, StandardCharsets.US_ASCII);
  }

  private static List<String> protocols(Reader extension) {
    Reader list = extension.sub(extension.u16());
    List<String> protocols = new ArrayList<>(4);
    while (list.remaining() > 0) {
      Reader protocol = list.sub(list.u8());
      protocols.add(new String(protocol.data, protocol.position, protocol.remaining(), StandardCharsets.ISO_8859_1));
    }
    return List.copyOf(protocols);
  }

  private static int u16(byte[] data, int at) {
    return ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff);
  }

  private static int u24(byte[] data, int at) {
    return ((data[at] & 0xff) << 16) | u16(data, at + 1);
  }

  /** Signals a length that runs past its enclosing structure; carries no stack trace. */
  private static final class OutOfBounds extends RuntimeException {
    private static final OutOfBounds INSTANCE = new OutOfBounds();

    private OutOfBounds() {
      super(null, null, false, false);
    }
  }

  /** A bounds-checked cursor over {@code data[position, limit)}. */
  private static final class Reader {
    private final byte[] data;
    private int position;
    private final int limit;

    Reader(byte[] data, int position, int limit) {
      this.data = data;
      this.position = position;
      this.limit = limit;
    }

    int remaining() {
      return limit - position;
    }

    private void require(int bytes) {
      if (bytes < 0 || bytes > limit - position) {
        throw OutOfBounds.INSTANCE;
      }
    }

    int u8() {
      require(1);
      return data[position++] & 0xff;
    }

    int u16() {
      require(2);
      int value = TlsClientHello.u16(data, position);
      position += 2;
      return value;
    }

    void skip(int bytes) {
      require(bytes);
      position += bytes;
    }

    /** A reader over the next {@code bytes} bytes; this reader moves past them. */
    Reader sub(int bytes) {
      require(bytes);
      Reader sub = new Reader(data, position, position + bytes);
      position += bytes;
      return sub;
    }
  }
}
