package io.agentwatch.capture.synth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Builds a realistic TLS 1.3 ClientHello record as a browser or an HTTP client sends it: record
 * header 0x16 0x03 0x01, handshake type 1, random, session id, cipher suites, and the extensions
 * server_name, supported_groups, signature_algorithms, supported_versions, ALPN and key_share.
 * With {@link #postQuantum(boolean)} the key share carries an X25519MLKEM768 share as current
 * browsers do, which makes the ClientHello larger than one TCP segment.
 */
public final class ClientHelloBuilder {

  private static final int X25519 = 0x001d;
  private static final int X25519_MLKEM768 = 0x11ec;
  private static final int MLKEM768_X25519_SHARE = 1184 + 32;

  private String serverName;
  private List<String> alpn = List.of("h2", "http/1.1");
  private boolean postQuantum;
  private long seed = 1;

  /** The SNI to send; null sends no server_name extension. */
  public ClientHelloBuilder serverName(String serverName) {
    this.serverName = serverName;
    return this;
  }

  /** ALPN protocols in preference order; empty sends no ALPN extension. */
  public ClientHelloBuilder alpn(List<String> protocols) {
    this.alpn = List.copyOf(protocols);
    return this;
  }

  public ClientHelloBuilder postQuantum(boolean postQuantum) {
    this.postQuantum = postQuantum;
    return this;
  }

  /** Seed for the random, session id and key shares, so captures are reproducible. */
  public ClientHelloBuilder seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** The TLS record (header included) carrying the ClientHello. */
  public byte[] build() {
    Random random = new Random(seed);
    Bytes hello = new Bytes();
    hello.u16(0x0303);
    hello.random(random, 32);
    hello.u8(32);
    hello.random(random, 32);
    int[] cipherSuites = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8};
    hello.u16(cipherSuites.length * 2);
    for (int suite : cipherSuites) {
      hello.u16(suite);
    }
    hello.u8(1);
    hello.u8(0);
    byte[] extensions = extensions(random);
    hello.u16(extensions.length);
    hello.bytes(extensions);

    byte[] body = hello.toByteArray();
    Bytes record = new Bytes();
    record.u8(0x16);
    record.u16(0x0301);
    record.u16(body.length + 4);
    record.u8(1);
    record.u24(body.length);
    record.bytes(body);
    return record.toByteArray();
  }

  private byte[] extensions(Random random) {
    Bytes all = new Bytes();
    if (serverName != null) {
      byte[] name = serverName.getBytes(StandardCharsets.US_ASCII);
      Bytes sni = new Bytes();
      sni.u16(name.length + 3);
      sni.u8(0);
      sni.u16(name.length);
      sni.bytes(name);
      extension(all, 0x0000, sni.toByteArray());
    }
    extension(all, 0x0017, new byte[0]); // extended_master_secret
    extension(all, 0xff01, new byte[] {0}); // renegotiation_info
    extension(all, 0x000b, new byte[] {1, 0}); // ec_point_formats: uncompressed
    extension(all, 0x0023, new byte[0]); // session_ticket
    extension(all, 0x0005, new byte[] {1, 0, 0, 0, 0}); // status_request: OCSP
    extension(all, 0x0012, new byte[0]); // signed_certificate_timestamp
    extension(all, 0x001b, new byte[] {2, 0, 2}); // compress_certificate: brotli
    Bytes groups = new Bytes();
    int[] groupIds = postQuantum ? new int[] {X25519_MLKEM768, X25519, 0x0017, 0x0018} : new int[] {X25519, 0x0017, 0x0018};
    groups.u16(groupIds.length * 2);
    for (int group : groupIds) {
      groups.u16(group);
    }
    extension(all, 0x000a, groups.toByteArray());
    Bytes signatures = new Bytes();
    int[] schemes = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
    signatures.u16(schemes.length * 2);
    for (int scheme : schemes) {
      signatures.u16(scheme);
    }
    extension(all, 0x000d, signatures.toByteArray());
    if (!alpn.isEmpty()) {
      Bytes list = new Bytes();
      for (String protocol : alpn) {
        byte[] text = protocol.getBytes(StandardCharsets.US_ASCII);
        list.u8(text.length);
        list.bytes(text);
      }
      Bytes alpnExtension = new Bytes();
      alpnExtension.u16(list.size());
      alpnExtension.bytes(list.toByteArray());
      extension(all, 0x0010, alpnExtension.toByteArray());
    }
    extension(all, 0x002b, new byte[] {4, 0x03, 0x04, 0x03, 0x03}); // supported_versions: 1.3, 1.2
    extension(all, 0x002d, new byte[] {1, 1}); // psk_key_exchange_modes: psk_dhe_ke
    Bytes shares = new Bytes();
    if (postQuantum) {
      shares.u16(X25519_MLKEM768);
      shares.u16(MLKEM768_X25519_SHARE);
      shares.random(random, MLKEM768_X25519_SHARE);
    }
    shares.u16(X25519);
    shares.u16(32);
    shares.random(random, 32);
    Bytes keyShare = new Bytes();
    keyShare.u16(shares.size());
    keyShare.bytes(shares.toByteArray());
    extension(all, 0x0033, keyShare.toByteArray());
    extension(all, 0xfe0d, greaseEncryptedClientHello(random));
    return all.toByteArray();
  }

  /** Browsers send a GREASE encrypted_client_hello of random bytes when they have no ECH key. */
  private static byte[] greaseEncryptedClientHello(Random random) {
    Bytes ech = new Bytes();
    ech.u8(0); // outer
    ech.u16(0x0001); // HKDF-SHA256
    ech.u16(0x0001); // AES-128-GCM
    ech.u8(random.nextInt(256)); // config id
    ech.u16(32);
    ech.random(random, 32); // enc
    ech.u16(208);
    ech.random(random, 208); // payload
    return ech.toByteArray();
  }

  private static void extension(Bytes out, int type, byte[] data) {
    out.u16(type);
    out.u16(data.length);
    out.bytes(data);
  }

  /** Big-endian byte writer. */
  static final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void u8(int value) {
      out.write(value);
    }

    void u16(int value) {
      out.write(value >>> 8);
      out.write(value);
    }

    void u24(int value) {
      out.write(value >>> 16);
      u16(value);
    }

    void u32(long value) {
      u16((int) (value >>> 16));
      u16((int) value);
    }

    void bytes(byte[] data) {
      out.write(data, 0, data.length);
    }

    void random(Random random, int count) {
      byte[] data = new byte[count];
      random.nextBytes(data);
      bytes(data);
    }

    int size() {
      return out.size();
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
