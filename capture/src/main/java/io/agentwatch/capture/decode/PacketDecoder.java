package io.agentwatch.capture.decode;

import io.agentwatch.capture.decode.DecodeStats.SkipReason;

/**
 * Decodes a captured frame in place into a reused {@link DecodedPacket}: link layer, IPv4/IPv6,
 * TCP/UDP. Frames that are not TCP or UDP over IP, or whose headers are cut or inconsistent, are
 * counted in {@link DecodeStats} and skipped. Allocates nothing except for IPv4 fragments.
 */
public final class PacketDecoder {

  public static final int DLT_NULL = 0;
  public static final int DLT_EN10MB = 1;
  public static final int DLT_RAW = 12;
  public static final int DLT_RAW_BSD = 14;
  public static final int LINKTYPE_RAW = 101;
  public static final int DLT_LOOP = 108;
  public static final int DLT_LINUX_SLL = 113;
  public static final int DLT_LINUX_SLL2 = 276;

  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int ETHERTYPE_IPV6 = 0x86dd;
  private static final int ETHERTYPE_VLAN = 0x8100;
  private static final int ETHERTYPE_QINQ = 0x88a8;
  private static final int ETHERTYPE_QINQ_OLD = 0x9100;

  private static final int IPV6_HOP_BY_HOP = 0;
  private static final int IPV6_ROUTING = 43;
  private static final int IPV6_FRAGMENT = 44;
  private static final int IPV6_AUTH = 51;
  private static final int IPV6_DESTINATION = 60;

  private static final int FRAGMENT_MEMORY = 4096;
  private static final int PROTOCOL_ICMP = 1;
  private static final int PROTOCOL_ICMPV6 = 58;

  private final DecodeStats stats = new DecodeStats();
  private final Ipv4FragmentPorts fragmentPorts = new Ipv4FragmentPorts(FRAGMENT_MEMORY);

  public DecodeStats stats() {
    return stats;
  }

  /**
   * Decodes one frame into {@code out}.
   *
   * @return true if {@code out} now holds a TCP or UDP packet; false if the frame was skipped (and
   *     counted by reason)
   */
  public boolean decode(long timestampNanos, int linkType, byte[] data, int offset, int length, DecodedPacket out) {
    out.reset(timestampNanos, data);
    SkipReason skip = decodeLink(linkType, data, offset, offset + length, out);
    if (skip != null) {
      stats.countSkipped(skip);
      return false;
    }
    stats.countDecoded();
    return true;
  }

  private SkipReason decodeLink(int linkType, byte[] data, int start, int end, DecodedPacket out) {
    switch (linkType) {
      case DLT_EN10MB:
        if (end - start < 14) {
          return SkipReason.TRUNCATED;
        }
        out.dstMac = u48(data, start);
        out.srcMac = u48(data, start + 6);
        return decodeEthertype(u16(data, start + 12), data, start + 14, end, out);
      case DLT_RAW:
      case DLT_RAW_BSD:
      case LINKTYPE_RAW:
        return decodeIpByVersion(data, start, end, out);
      case DLT_LINUX_SLL:
        if (end - start < 16) {
          return SkipReason.TRUNCATED;
        }
        out.srcMac = cookedSourceMac(u16(data, start + 4), data, start + 6);
        return decodeEthertype(u16(data, start + 14), data, start + 16, end, out);
      case DLT_LINUX_SLL2:
        if (end - start < 20) {
          return SkipReason.TRUNCATED;
        }
        out.srcMac = cookedSourceMac(data[start + 11] & 0xff, data, start + 12);
        return decodeEthertype(u16(data, start), data, start + 20, end, out);
      case DLT_NULL:
      case DLT_LOOP:
        if (end - start < 4) {
          return SkipReason.TRUNCATED;
        }
        return decodeLoopbackFamily(linkType, data, start, end, out);
      default:
        return SkipReason.UNSUPPORTED_LINK;
    }
  }

  /**
   * Linux cooked captures keep one link-layer address, the sender's, in an 8-byte slot; only a
   * 6-byte one is a MAC (other interface types, e.g. tunnels, have none or another kind).
   */
  private static long cookedSourceMac(int addressLength, byte[] data, int addressAt) {
    return addressLength == 6 ? u48(data, addressAt) : 0;
  }

  private SkipReason decodeEthertype(int etherType, byte[] data, int start, int end, DecodedPacket out) {
    boolean outerTag = true;
    while (etherType == ETHERTYPE_VLAN || etherType == ETHERTYPE_QINQ || etherType == ETHERTYPE_QINQ_OLD) {
      if (end - start < 4) {
        return SkipReason.TRUNCATED;
      }
      if (outerTag) {
        out.vlanId = u16(data, start) & 0x0fff;
        outerTag = false;
      }
      etherType = u16(data, start + 2);
      start += 4;
    }
    if (etherType == ETHERTYPE_IPV4) {
      return decodeIpv4(data, start, end, out);
    }
    if (etherType == ETHERTYPE_IPV6) {
      return decodeIpv6(data, start, end, out);
    }
    return SkipReason.NOT_IP;
  }

  /**
   * DLT_NULL stores the address family in the byte order of the capturing host, DLT_LOOP in network
   * order; BSDs disagree on the value of AF_INET6, hence the list.
   */
  private SkipReason decodeLoopbackFamily(int linkType, byte[] data, int start, int end, DecodedPacket out) {
    int bigEndian = (int) u32(data, start);
    int family = linkType == DLT_LOOP ? bigEndian : (bigEndian & 0xffff0000) != 0 ? Integer.reverseBytes(bigEndian) : bigEndian;
    switch (family) {
      case 2:
        return decodeIpv4(data, start + 4, end, out);
      case 10:
      case 24:
      case 28:
      case 30:
        return decodeIpv6(data, start + 4, end, out);
      default:
        return SkipReason.NOT_IP;
    }
  }

  private SkipReason decodeIpByVersion(byte[] data, int start, int end, DecodedPacket out) {
    if (end - start < 1) {
      return SkipReason.TRUNCATED;
    }
    int version = (data[start] & 0xff) >>> 4;
    if (version == 4) {
      return decodeIpv4(data, start, end, out);
    }
    if (version == 6) {
      return decodeIpv6(data, start, end, out);
    }
    return SkipReason.NOT_IP;
  }

  private SkipReason decodeIpv4(byte[] data, int start, int end, DecodedPacket out) {
    if (end - start < 20) {
      return SkipReason.TRUNCATED;
    }
    int versionAndIhl = data[start] & 0xff;
    int headerLength = (versionAndIhl & 0x0f) * 4;
    int totalLength = u16(data, start + 2);
    if (versionAndIhl >>> 4 != 4 || headerLength < 20 || totalLength < headerLength) {
      return SkipReason.BAD_HEADER;
    }
    if (end - start < headerLength) {
      return SkipReason.TRUNCATED;
    }
    out.ipVersion = 4;
    out.l3Length = totalLength;
    out.srcHi = 0;
    out.srcLo = u32(data, start + 12);
    out.dstHi = 0;
    out.dstLo = u32(data, start + 16);
    int protocol = data[start + 9] & 0xff;
    int fragmentField = u16(data, start + 6);
    int fragmentOffset = fragmentField & 0x1fff;
    boolean moreFragments = (fragmentField & 0x2000) != 0;
    int identification = u16(data, start + 4);
    if (fragmentOffset != 0) {
      return decodeLaterFragment(protocol, identification, out);
    }
    int transportStart = start + headerLength;
    int transportEnd = start + totalLength;
    SkipReason skip = decodeTransport(protocol, data, transportStart, transportEnd, Math.min(end, transportEnd), out);
    if (skip == null && moreFragments) {
      fragmentPorts.rememberFirstFragment(out.srcLo, out.dstLo, identification, protocol, out.srcPort, out.dstPort);
    }
    return skip;
  }

  private SkipReason decodeLaterFragment(int protocol, int identification, DecodedPacket out) {
    if (protocol != DecodedPacket.PROTOCOL_TCP && protocol != DecodedPacket.PROTOCOL_UDP) {
      return SkipReason.UNSUPPORTED_TRANSPORT;
    }
    int ports = fragmentPorts.portsOf(out.srcLo, out.dstLo, identification, protocol);
    if (ports < 0) {
      return SkipReason.FRAGMENT;
    }
    out.protocol = protocol;
    out.srcPort = ports >>> 16;
    out.dstPort = ports & 0xffff;
    return null;
  }

  private SkipReason decodeIpv6(byte[] data, int start, int end, DecodedPacket out) {
    if (end - start < 40) {
      return SkipReason.TRUNCATED;
    }
    if ((data[start] & 0xff) >>> 4 != 6) {
      return SkipReason.BAD_HEADER;
    }
    int payloadLength = u16(data, start + 4);
    if (payloadLength == 0) {
      return SkipReason.BAD_HEADER; // jumbogram or TSO artefact: no usable length
    }
    out.ipVersion = 6;
    out.l3Length = payloadLength + 40;
    out.srcHi = u64(data, start + 8);
    out.srcLo = u64(data, start + 16);
    out.dstHi = u64(data, start + 24);
    out.dstLo = u64(data, start + 32);
    int nextHeader = data[start + 6] & 0xff;
    int headerStart = start + 40;
    int packetEnd = start + out.l3Length;
    while (true) {
      int extensionLength;
      switch (nextHeader) {
        case IPV6_HOP_BY_HOP:
        case IPV6_ROUTING:
        case IPV6_DESTINATION:
          if (headerStart + 2 > end) {
            return SkipReason.TRUNCATED;
          }
          extensionLength = ((data[headerStart + 1] & 0xff) + 1) * 8;
          break;
        case IPV6_AUTH:
          if (headerStart + 2 > end) {
            return SkipReason.TRUNCATED;
          }
          extensionLength = ((data[headerStart + 1] & 0xff) + 2) * 4;
          break;
        case IPV6_FRAGMENT:
          if (headerStart + 8 > end) {
            return SkipReason.TRUNCATED;
          }
          if ((u16(data, headerStart + 2) >>> 3) != 0) {
            return SkipReason.FRAGMENT;
          }
          extensionLength = 8;
          break;
        default:
          return decodeTransport(nextHeader, data, headerStart, packetEnd, Math.min(end, packetEnd), out);
      }
      nextHeader = data[headerStart] & 0xff;
      headerStart += extensionLength;
      if (headerStart > packetEnd) {
        return SkipReason.BAD_HEADER;
      }
    }
  }

  /**
   * @param end where the transport segment ends by the IP header
   * @param capturedEnd where the captured bytes of the segment end
   */
  private SkipReason decodeTransport(int protocol, byte[] data, int start, int end, int capturedEnd, DecodedPacket out) {
    if (protocol == DecodedPacket.PROTOCOL_TCP) {
      if (end - start < 20) {
        return SkipReason.BAD_HEADER;
      }
      if (capturedEnd - start < 20) {
        return SkipReason.TRUNCATED;
      }
      int headerLength = ((data[start + 12] & 0xff) >>> 4) * 4;
      if (headerLength < 20 || headerLength > end - start) {
        return SkipReason.BAD_HEADER;
      }
      out.protocol = protocol;
      out.srcPort = u16(data, start);
      out.dstPort = u16(data, start + 2);
      out.tcpSeq = (int) u32(data, start + 4);
      out.tcpAck = (int) u32(data, start + 8);
      out.tcpFlags = data[start + 13] & 0xff;
      setPayload(start + headerLength, end, capturedEnd, out);
      return null;
    }
    if (protocol == DecodedPacket.PROTOCOL_UDP) {
      if (end - start < 8) {
        return SkipReason.BAD_HEADER;
      }
      if (capturedEnd - start < 8) {
        return SkipReason.TRUNCATED;
      }
      out.protocol = protocol;
      out.srcPort = u16(data, start);
      out.dstPort = u16(data, start + 2);
      setPayload(start + 8, end, capturedEnd, out);
      return null;
    }
    // ICMP makes no flow but is counted on its own: a SOC compares it with its other tools.
    return protocol == PROTOCOL_ICMP || protocol == PROTOCOL_ICMPV6 ? SkipReason.ICMP : SkipReason.UNSUPPORTED_TRANSPORT;
  }

  private static void setPayload(int payloadStart, int end, int capturedEnd, DecodedPacket out) {
    out.payloadOffset = payloadStart;
    out.payloadLength = end - payloadStart;
    out.capturedPayloadLength = Math.max(0, Math.min(end, capturedEnd) - payloadStart);
  }

  private static int u16(byte[] data, int at) {
    return ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff);
  }

  private static long u48(byte[] data, int at) {
    return ((long) u16(data, at) << 32) | u32(data, at + 2);
  }

  private static long u32(byte[] data, int at) {
    return ((long) u16(data, at) << 16) | u16(data, at + 2);
  }

  private static long u64(byte[] data, int at) {
    return (u32(data, at) << 32) | u32(data, at + 4);
  }
}
