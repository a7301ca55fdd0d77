package io.agentwatch.capture.flow;

import io.agentwatch.capture.decode.DecodedPacket;
import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Transport;

/**
 * One bidirectional flow. "Up" is initiator to responder. Counters cover the packets since the
 * flow's previous record (see {@link FlowTable}), so the sum over all records of a flow is exact.
 *
 * <p>Initiator rule: for TCP the sender of a SYN without ACK; if the capture starts at the SYN-ACK,
 * the receiver of that SYN-ACK; otherwise (a capture starting mid-stream, or UDP) the sender of the
 * first packet seen.
 */
public final class Flow {

  private final FlowKey key;
  private final boolean initiatorIsA;
  private final long initiatorMac;

  private long packetsUp;
  private long packetsDown;
  private long bytesUp;
  private long bytesDown;
  private long recordFirstSeenNanos;
  private long recordLastSeenNanos;
  private long lastPacketNanos;
  private int tcpFlagsUp;
  private int tcpFlagsDown;
  private boolean finUp;
  private boolean finDown;
  private EndReason closingReason;
  private long closeDeadlineNanos;
  private boolean ended;
  private boolean lastPacketUp;

  private final InitiatorStream.Recycler streams;
  private InitiatorStream initiatorStream;
  private boolean initiatorStreamDone;
  private boolean initiatorStreamGrew;
  private String sni;
  private String alpn;
  private String ja4;
  private boolean ech;
  private boolean sniFromQuic;
  private String httpHost;
  private String dnsName;

  Flow(FlowKey key, DecodedPacket firstPacket, boolean firstPacketFromA, InitiatorStream.Recycler streams) {
    this.streams = streams;
    long firstPacketNanos = firstPacket.timestampNanos();
    this.key = key;
    this.initiatorIsA = initiatorIsA(firstPacket, firstPacketFromA);
    // A SYN-ACK seen first was sent by the responder: the initiator's MAC is its destination.
    this.initiatorMac = firstPacketFromA == initiatorIsA ? firstPacket.srcMac() : firstPacket.dstMac();
    this.recordFirstSeenNanos = firstPacketNanos;
    this.recordLastSeenNanos = firstPacketNanos;
    this.lastPacketNanos = firstPacketNanos;
    // TCP: the flow collects the initiator's bytes itself. UDP: the identify stage fills the
    // stream (QUIC CRYPTO frames) through openInitiatorStream(); other transports carry nothing.
    this.initiatorStreamDone = key.protocol() != DecodedPacket.PROTOCOL_TCP && key.protocol() != DecodedPacket.PROTOCOL_UDP;
  }

  private static boolean initiatorIsA(DecodedPacket packet, boolean packetFromA) {
    boolean synAck = packet.isTcp() && packet.hasTcpFlag(DecodedPacket.TCP_SYN) && packet.hasTcpFlag(DecodedPacket.TCP_ACK);
    return synAck != packetFromA;
  }

  void count(DecodedPacket packet, boolean fromA) {
    long now = packet.timestampNanos();
    boolean up = fromA == initiatorIsA;
    lastPacketUp = up;
    if (packetsUp + packetsDown == 0) {
      recordFirstSeenNanos = now;
      recordLastSeenNanos = now;
    } else {
      recordFirstSeenNanos = Math.min(recordFirstSeenNanos, now);
      recordLastSeenNanos = Math.max(recordLastSeenNanos, now);
    }
    lastPacketNanos = Math.max(lastPacketNanos, now);
    int flags = packet.tcpFlags();
    if (up) {
      packetsUp++;
      bytesUp += packet.l3Length();
      tcpFlagsUp |= flags;
      finUp |= (flags & DecodedPacket.TCP_FIN) != 0;
    } else {
      packetsDown++;
      bytesDown += packet.l3Length();
      tcpFlagsDown |= flags;
      finDown |= (flags & DecodedPacket.TCP_FIN) != 0;
    }
    initiatorStreamGrew = !initiatorStreamDone && packet.isTcp() && collectInitiatorBytes(packet, up);
  }

  private boolean collectInitiatorBytes(DecodedPacket packet, boolean up) {
    boolean syn = packet.hasTcpFlag(DecodedPacket.TCP_SYN);
    boolean ack = packet.hasTcpFlag(DecodedPacket.TCP_ACK);
    if (syn && up && !ack) {
      stream().startAt(packet.tcpSeq() + 1);
    } else if (syn && !up && ack) {
      stream().startAt(packet.tcpAck());
    }
    if (!up || packet.capturedPayloadLength() == 0) {
      return false;
    }
    return stream().add(packet.tcpSeq(), packet.data(), packet.payloadOffset(), packet.capturedPayloadLength());
  }

  private InitiatorStream stream() {
    if (initiatorStream == null) {
      initiatorStream = streams.take();
    }
    return initiatorStream;
  }

  /** Clears the counters after a periodic (active-timeout) record; the flow goes on. */
  void startNewRecord() {
    packetsUp = 0;
    packetsDown = 0;
    bytesUp = 0;
    bytesDown = 0;
  }

  void startClosing(EndReason reason, long deadlineNanos) {
    closingReason = reason;
    closeDeadlineNanos = deadlineNanos;
  }

  void markEnded() {
    ended = true;
    releaseInitiatorStream();
  }

  private void releaseInitiatorStream() {
    if (initiatorStream != null) {
      streams.give(initiatorStream);
      initiatorStream = null;
    }
  }

  // --- identification: filled by the identify stage while the flow lives

  /** True if the last counted packet added new in-order initiator bytes that are still wanted. */
  public boolean initiatorStreamGrew() {
    return initiatorStreamGrew;
  }

  /** The initiator's first bytes in sequence order, or null if none were collected. */
  public InitiatorStream initiatorStream() {
    return initiatorStream;
  }

  /** Stops collecting initiator bytes (message parsed, or clearly not parseable) and frees them. */
  public void stopCollectingInitiatorBytes() {
    initiatorStreamDone = true;
    initiatorStreamGrew = false;
    releaseInitiatorStream();
  }

  public boolean collectingInitiatorBytes() {
    return !initiatorStreamDone;
  }

  /**
   * The stream for a datagram protocol whose identify stage reassembles it itself (QUIC CRYPTO
   * frames, by their offset); null once collecting stopped.
   */
  public InitiatorStream openInitiatorStream() {
    return initiatorStreamDone ? null : stream();
  }

  /**
   * @param alpn the offered protocols, comma-separated, or null; the identify stage passes one
   *     shared copy of each distinct text, as for the JA4 below
   */
  public void setTlsClientHello(String sni, String alpn) {
    this.sni = sni;
    this.alpn = alpn;
  }

  // --- identification hooks (identify stage): ClientHello extras, HTTP Host, DNS name

  /** @param fromQuic the ClientHello came from QUIC Initial packets, not from TCP */
  public void setClientHelloDetails(String ja4, boolean ech, boolean fromQuic) {
    this.ja4 = ja4;
    this.ech = ech;
    this.sniFromQuic = fromQuic;
  }

  public String ja4() {
    return ja4;
  }

  /** True if the ClientHello offered Encrypted Client Hello: the SNI is only the outer name. */
  public boolean ech() {
    return ech;
  }

  public boolean sniFromQuic() {
    return sniFromQuic;
  }

  public void setHttpHost(String httpHost) {
    this.httpHost = httpHost;
  }

  public String httpHost() {
    return httpHost;
  }

  public void setDnsName(String dnsName) {
    this.dnsName = dnsName;
  }

  /** The name a DNS answer seen before the flow gave for the responder's address, or null. */
  public String dnsName() {
    return dnsName;
  }

  public long initiatorAddressHi() {
    return key.addressHi(initiatorIsA);
  }

  public long initiatorAddressLo() {
    return key.addressLo(initiatorIsA);
  }

  public long responderAddressHi() {
    return key.addressHi(!initiatorIsA);
  }

  public long responderAddressLo() {
    return key.addressLo(!initiatorIsA);
  }

  public String sni() {
    return sni;
  }

  /** ALPN protocols offered by the client, comma-separated, or null. */
  public String alpn() {
    return alpn;
  }

  // --- what a record reports

  public FlowKey key() {
    return key;
  }

  public Transport transport() {
    switch (key.protocol()) {
      case DecodedPacket.PROTOCOL_TCP:
        return Transport.TCP;
      case DecodedPacket.PROTOCOL_UDP:
        return Transport.UDP;
      default:
        return Transport.OTHER;
    }
  }

  public String initiatorAddress() {
    return key.addressText(initiatorIsA);
  }

  /**
   * The MAC address of the initiator's interface as seen on the first packet of the flow (48 bits,
   * 0 when the link type carries none). Behind a router it is the router's, so only meaningful for
   * hosts on the captured segment.
   */
  public long initiatorMac() {
    return initiatorMac;
  }

  public int initiatorPort() {
    return key.port(initiatorIsA);
  }

  public String responderAddress() {
    return key.addressText(!initiatorIsA);
  }

  public int responderPort() {
    return key.port(!initiatorIsA);
  }

  public long packetsUp() {
    return packetsUp;
  }

  public long packetsDown() {
    return packetsDown;
  }

  public long bytesUp() {
    return bytesUp;
  }

  public long bytesDown() {
    return bytesDown;
  }

  /** Capture time of the first packet counted in the current record, ns since the epoch. */
  public long recordFirstSeenNanos() {
    return recordFirstSeenNanos;
  }

  /** Capture time of the last packet counted in the current record, ns since the epoch. */
  public long recordLastSeenNanos() {
    return recordLastSeenNanos;
  }

  public long lastPacketNanos() {
    return lastPacketNanos;
  }

  /** TCP flags seen from the initiator over the flow's life. */
  public int tcpFlagsUp() {
    return tcpFlagsUp;
  }

  public int tcpFlagsDown() {
    return tcpFlagsDown;
  }

  public boolean lastPacketUp() {
    return lastPacketUp;
  }

  boolean bothSidesSentFin() {
    return finUp && finDown;
  }

  boolean closing() {
    return closingReason != null;
  }

  EndReason closingReason() {
    return closingReason;
  }

  long closeDeadlineNanos() {
    return closeDeadlineNanos;
  }

  boolean ended() {
    return ended;
  }

  @Override
  public String toString() {
    return initiatorAddress() + ":" + initiatorPort() + " -> " + responderAddress() + ":" + responderPort()
        + " " + transport() + " up " + packetsUp + "p/" + bytesUp + "B down " + packetsDown + "p/" + bytesDown + "B";
  }
}
