package io.agentwatch.capture.decode;

/**
 * One decoded TCP or UDP packet. A single instance is filled in place for every frame, so the
 * fields are only valid until the next call to {@link PacketDecoder#decode}; nothing here may be
 * kept. Addresses are held as two longs (IPv4 in the low 32 bits of {@code lo}, {@code hi} = 0) so
 * decoding allocates nothing.
 */
public final class DecodedPacket {

  public static final int PROTOCOL_TCP = 6;
  public static final int PROTOCOL_UDP = 17;

  public static final int TCP_FIN = 0x01;
  public static final int TCP_SYN = 0x02;
  public static final int TCP_RST = 0x04;
  public static final int TCP_PSH = 0x08;
  public static final int TCP_ACK = 0x10;

  long timestampNanos;
  long srcMac;
  long dstMac;
  int vlanId;
  int ipVersion;
  long srcHi;
  long srcLo;
  long dstHi;
  long dstLo;
  int protocol;
  int srcPort;
  int dstPort;
  int l3Length;
  int tcpFlags;
  int tcpSeq;
  int tcpAck;
  byte[] data;
  int payloadOffset;
  int payloadLength;
  int capturedPayloadLength;

  void reset(long timestampNanos, byte[] data) {
    this.timestampNanos = timestampNanos;
    this.data = data;
    srcMac = 0;
    dstMac = 0;
    vlanId = 0;
    tcpFlags = 0;
    tcpSeq = 0;
    tcpAck = 0;
    payloadOffset = 0;
    payloadLength = 0;
    capturedPayloadLength = 0;
  }

  public long timestampNanos() {
    return timestampNanos;
  }

  /**
   * The sending interface's 48-bit MAC address in the low bits, 0 when the link layer has none
   * (raw IP, BSD loopback) or it is not a 6-byte address (Linux cooked capture of a non-Ethernet
   * interface).
   */
  public long srcMac() {
    return srcMac;
  }

  /** The receiving interface's MAC address; 0 also for Linux cooked captures, which only keep the sender's. */
  public long dstMac() {
    return dstMac;
  }

  /** The outermost 802.1Q/802.1ad VLAN id, 0 when untagged. */
  public int vlanId() {
    return vlanId;
  }

  /** 4 or 6. */
  public int ipVersion() {
    return ipVersion;
  }

  public long srcHi() {
    return srcHi;
  }

  public long srcLo() {
    return srcLo;
  }

  public long dstHi() {
    return dstHi;
  }

  public long dstLo() {
    return dstLo;
  }

  /** {@link #PROTOCOL_TCP} or {@link #PROTOCOL_UDP}. */
  public int protocol() {
    return protocol;
  }

  public boolean isTcp() {
    return protocol == PROTOCOL_TCP;
  }

  public int srcPort() {
    return srcPort;
  }

  public int dstPort() {
    return dstPort;
  }

  /** Bytes of the IP packet as the header states them (IPv4 total length, IPv6 payload + 40). */
  public int l3Length() {
    return l3Length;
  }

  /** TCP flag bits (FIN 0x01 ... CWR 0x80); 0 for UDP. */
  public int tcpFlags() {
    return tcpFlags;
  }

  public boolean hasTcpFlag(int flag) {
    return (tcpFlags & flag) != 0;
  }

  /** TCP sequence number, to be compared with 32-bit wrap-around arithmetic. */
  public int tcpSeq() {
    return tcpSeq;
  }

  public int tcpAck() {
    return tcpAck;
  }

  /** The frame the payload lives in; valid only during the current packet. */
  public byte[] data() {
    return data;
  }

  public int payloadOffset() {
    return payloadOffset;
  }

  /** Transport payload length as the headers state it. */
  public int payloadLength() {
    return payloadLength;
  }

  /** Transport payload bytes actually captured (less than {@link #payloadLength} under a snap length). */
  public int capturedPayloadLength() {
    return capturedPayloadLength;
  }
}
