package io.agentwatch.capture.flow;

import io.agentwatch.capture.decode.DecodedPacket;

/**
 * Identity of a bidirectional flow: IP version, transport, outer VLAN and both endpoints. The two
 * endpoints are stored in a canonical order (endpoint A sorts before B) so both directions of a
 * conversation find the same key. The flow table keeps one mutable probe that it refills for every
 * packet; keys stored in the table are copies that are never changed.
 */
public final class FlowKey {

  private int ipVersion;
  private int protocol;
  private int vlanId;
  private long aHi;
  private long aLo;
  private int aPort;
  private long bHi;
  private long bLo;
  private int bPort;
  private int hash;

  FlowKey() {}

  /**
   * Refills this probe from a packet.
   *
   * @return true if the packet was sent by endpoint A
   */
  boolean setFrom(DecodedPacket packet) {
    ipVersion = packet.ipVersion();
    protocol = packet.protocol();
    vlanId = packet.vlanId();
    boolean sourceIsA = compareEndpoints(packet) <= 0;
    if (sourceIsA) {
      aHi = packet.srcHi();
      aLo = packet.srcLo();
      aPort = packet.srcPort();
      bHi = packet.dstHi();
      bLo = packet.dstLo();
      bPort = packet.dstPort();
    } else {
      aHi = packet.dstHi();
      aLo = packet.dstLo();
      aPort = packet.dstPort();
      bHi = packet.srcHi();
      bLo = packet.srcLo();
      bPort = packet.srcPort();
    }
    hash = computeHash();
    return sourceIsA;
  }

  private static int compareEndpoints(DecodedPacket packet) {
    int byHi = Long.compareUnsigned(packet.srcHi(), packet.dstHi());
    if (byHi != 0) {
      return byHi;
    }
    int byLo = Long.compareUnsigned(packet.srcLo(), packet.dstLo());
    return byLo != 0 ? byLo : Integer.compare(packet.srcPort(), packet.dstPort());
  }

  FlowKey copy() {
    FlowKey copy = new FlowKey();
    copy.ipVersion = ipVersion;
    copy.protocol = protocol;
    copy.vlanId = vlanId;
    copy.aHi = aHi;
    copy.aLo = aLo;
    copy.aPort = aPort;
    copy.bHi = bHi;
    copy.bLo = bLo;
    copy.bPort = bPort;
    copy.hash = hash;
    return copy;
  }

  private int computeHash() {
    long h = ipVersion * 31L + protocol;
    h = h * 31 + vlanId;
    h = h * 0x9E3779B97F4A7C15L + aHi;
    h = h * 0x9E3779B97F4A7C15L + aLo;
    h = h * 0x9E3779B97F4A7C15L + bHi;
    h = h * 0x9E3779B97F4A7C15L + bLo;
    h = h * 31 + ((long) aPort << 16 | bPort);
    return (int) (h ^ (h >>> 32));
  }

  public int ipVersion() {
    return ipVersion;
  }

  /** IANA protocol number: 6 TCP, 17 UDP. */
  public int protocol() {
    return protocol;
  }

  public int vlanId() {
    return vlanId;
  }

  String addressText(boolean endpointA) {
    return endpointA ? IpAddressText.format(ipVersion, aHi, aLo) : IpAddressText.format(ipVersion, bHi, bLo);
  }

  int port(boolean endpointA) {
    return endpointA ? aPort : bPort;
  }

  long addressHi(boolean endpointA) {
    return endpointA ? aHi : bHi;
  }

  long addressLo(boolean endpointA) {
    return endpointA ? aLo : bLo;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof FlowKey)) {
      return false;
    }
    FlowKey key = (FlowKey) other;
    return hash == key.hash
        && aLo == key.aLo
        && bLo == key.bLo
        && aPort == key.aPort
        && bPort == key.bPort
        && aHi == key.aHi
        && bHi == key.bHi
        && protocol == key.protocol
        && vlanId == key.vlanId
        && ipVersion == key.ipVersion;
  }

  @Override
  public String toString() {
    return addressText(true) + ":" + aPort + " <-> " + addressText(false) + ":" + bPort
        + " proto " + protocol + (vlanId != 0 ? " vlan " + vlanId : "");
  }
}
