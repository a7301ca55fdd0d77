package io.agentwatch.capture.synth;

import io.agentwatch.capture.synth.ClientHelloBuilder.Bytes;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Builds Ethernet II / IPv4 / TCP or UDP frames with correct lengths and checksums, optionally with
 * an 802.1Q tag. The L3 length of a frame (what flow records count) is {@link #l3Length}.
 */
public final class FrameBuilder {

  public static final int ETHERNET_HEADER = 14;
  public static final int VLAN_TAG = 4;
  public static final int IPV4_HEADER = 20;
  public static final int TCP_HEADER = 20;
  public static final int UDP_HEADER = 8;

  private static final byte[] CLIENT_MAC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
  private static final byte[] SERVER_MAC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

  private final int vlanId;
  private int ipId = 1;

  /** @param vlanId 802.1Q VLAN id, 0 for untagged frames */
  public FrameBuilder(int vlanId) {
    if (vlanId < 0 || vlanId > 4094) {
      throw new IllegalArgumentException("vlanId must be 0..4094, was " + vlanId);
    }
    this.vlanId = vlanId;
  }

  public FrameBuilder() {
    this(0);
  }

  /** IPv4 total length of a TCP segment carrying {@code payloadLength} bytes. */
  public static int tcpL3Length(int payloadLength) {
    return IPV4_HEADER + TCP_HEADER + payloadLength;
  }

  public byte[] tcp(String srcIp, int srcPort, String dstIp, int dstPort, long seq, long ack, int flags, byte[] payload) {
    Bytes tcp = new Bytes();
    tcp.u16(srcPort);
    tcp.u16(dstPort);
    tcp.u32(seq);
    tcp.u32(ack);
    tcp.u8((TCP_HEADER / 4) << 4);
    tcp.u8(flags);
    tcp.u16(64240);
    tcp.u16(0); // checksum, filled below
    tcp.u16(0);
    tcp.bytes(payload);
    return ipv4Frame(srcIp, dstIp, 6, tcp.toByteArray(), 16);
  }

  public byte[] udp(String srcIp, int srcPort, String dstIp, int dstPort, byte[] payload) {
    Bytes udp = new Bytes();
    udp.u16(srcPort);
    udp.u16(dstPort);
    udp.u16(UDP_HEADER + payload.length);
    udp.u16(0);
    udp.bytes(payload);
    return ipv4Frame(srcIp, dstIp, 17, udp.toByteArray(), 6);
  }

  private byte[] ipv4Frame(String srcIp, String dstIp, int protocol, byte[] segment, int checksumOffset) {
    byte[] src = ipv4(srcIp);
    byte[] dst = ipv4(dstIp);
    int totalLength = IPV4_HEADER + segment.length;
    if (totalLength > 0xffff) {
      throw new IllegalArgumentException("IPv4 packet too long: " + totalLength + " bytes");
    }
    Bytes pseudoHeader = new Bytes();
    pseudoHeader.bytes(src);
    pseudoHeader.bytes(dst);
    pseudoHeader.u8(0);
    pseudoHeader.u8(protocol);
    pseudoHeader.u16(segment.length);
    pseudoHeader.bytes(segment);
    int transportChecksum = checksum(pseudoHeader.toByteArray());
    segment[checksumOffset] = (byte) (transportChecksum >>> 8);
    segment[checksumOffset + 1] = (byte) transportChecksum;

    Bytes ip = new Bytes();
    ip.u8(0x45);
    ip.u8(0);
    ip.u16(totalLength);
    ip.u16(ipId++ & 0xffff);
    ip.u16(0x4000); // don't fragment
    ip.u8(64);
    ip.u8(protocol);
    ip.u16(0);
    ip.bytes(src);
    ip.bytes(dst);
    byte[] header = ip.toByteArray();
    int headerChecksum = checksum(header);
    header[10] = (byte) (headerChecksum >>> 8);
    header[11] = (byte) headerChecksum;

    Bytes frame = new Bytes();
    frame.bytes(SERVER_MAC);
    frame.bytes(CLIENT_MAC);
    if (vlanId != 0) {
      frame.u16(0x8100);
      frame.u16(vlanId);
    }
    frame.u16(0x0800);
    frame.bytes(header);
    frame.bytes(segment);
    return frame.toByteArray();
  }

  private static byte[] ipv4(String text) {
    try {
      InetAddress address = InetAddress.getByName(text);
      if (!(address instanceof Inet4Address)) {
        throw new IllegalArgumentException("not an IPv4 address: " + text);
      }
      return address.getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IPv4 address: " + text, e);
    }
  }

  private static int checksum(byte[] data) {
    long sum = 0;
    for (int i = 0; i + 1 < data.length; i += 2) {
      sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
    }
    if ((data.length & 1) == 1) {
      sum += (data[data.length - 1] & 0xff) << 8;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }
}
