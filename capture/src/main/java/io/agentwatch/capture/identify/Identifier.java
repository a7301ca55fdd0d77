package io.agentwatch.capture.identify;

import io.agentwatch.capture.decode.DecodedPacket;
import io.agentwatch.capture.flow.Flow;
import io.agentwatch.capture.flow.InitiatorStream;
import io.agentwatch.schema.CommunityId;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;

/**
 * Names the endpoint of a flow. While a flow is young it reads the initiator's first bytes: a TLS
 * ClientHello or an HTTP/1 request over TCP, QUIC Initial packets over UDP. DNS responses feed a
 * {@link DnsCache} that names the responder of each new flow. When a record is built it fills SNI,
 * ALPN, JA4, ECH, DNS name, Community ID and, from the catalog, vendor, service and category with
 * the evidence used and a confidence.
 *
 * <p>Evidence, strongest first; the first one that names a catalog entry wins:
 *
 * <ol>
 *   <li>TLS SNI, or the SNI of a QUIC Initial ({@code sni}/{@code quic}): confidence high; medium
 *       when the ClientHello offers Encrypted Client Hello ({@code ech}). Its SNI is then either
 *       the real name (every Chromium sends a GREASE ECH extension, indistinguishable from a real
 *       one by design) or the outer public name the server's operator chose. A catalog match on
 *       it still names the vendor, but the service behind the outer name may differ, so it is not
 *       high. An outer name that matches nothing (a CDN's ECH name) lets DNS and ranges decide,
 *       and those carry their own, lower, confidence;
 *   <li>HTTP/1 Host ({@code http-host}, medium);
 *   <li>the name a DNS answer gave for the responder's address ({@code dns}, medium), for flows
 *       without a name of their own (or only an ECH outer name): a shared address (CDN) may have
 *       served another name, so DNS never overrides the name the client itself sent;
 *   <li>a published address range ({@code ip-range}, low).
 * </ol>
 */
public final class Identifier {

  public static final String CONFIDENCE_HIGH = "high";
  public static final String CONFIDENCE_MEDIUM = "medium";
  public static final String CONFIDENCE_LOW = "low";

  private static final int DNS_PORT = 53;
  /** Client packets after which a QUIC flow that gave no ClientHello is given up. */
  private static final int MAX_QUIC_CLIENT_PACKETS = 16;

  private final CurrentCatalog catalog;
  private final DnsCache dnsCache;
  private final SharedTexts texts = new SharedTexts();
  /** Reused by every lookup: identification allocates nothing but the resource text it reports. */
  private final CatalogHit hit = new CatalogHit();

  public Identifier(EndpointCatalog catalog) {
    this(CurrentCatalog.fixed(catalog));
  }

  /** Identifies each record with the catalog {@code catalog} holds when the record is built. */
  public Identifier(CurrentCatalog catalog) {
    this(catalog, new DnsCache(DnsCache.DEFAULT_MAX_ENTRIES));
  }

  public Identifier(EndpointCatalog catalog, DnsCache dnsCache) {
    this(CurrentCatalog.fixed(catalog), dnsCache);
  }

  public Identifier(CurrentCatalog catalog, DnsCache dnsCache) {
    this.catalog = catalog;
    this.dnsCache = dnsCache;
  }

  /**
   * Called after each packet is counted in its flow. Packets that need no identification work
   * (the bulk of a flow) cost a few field reads and allocate nothing.
   */
  public void onPacket(Flow flow, DecodedPacket packet) {
    if (flow.packetsUp() + flow.packetsDown() == 1) {
      nameFromDns(flow, packet.timestampNanos());
    }
    if (flow.initiatorStreamGrew()) {
      readInitiatorStream(flow);
    } else if (packet.protocol() == DecodedPacket.PROTOCOL_UDP && packet.capturedPayloadLength() > 0) {
      if (packet.srcPort() == DNS_PORT) {
        dnsCache.add(DnsResponse.parse(packet.data(), packet.payloadOffset(), packet.capturedPayloadLength()), packet.timestampNanos());
      } else if (flow.lastPacketUp() && flow.collectingInitiatorBytes()) {
        readQuicInitial(flow, packet);
      }
    }
  }

  private void nameFromDns(Flow flow, long nowNanos) {
    String name = dnsCache.lookup(flow.key().ipVersion(), flow.responderAddressHi(), flow.responderAddressLo(), nowNanos);
    if (name != null) {
      flow.setDnsName(name);
    }
  }

  /** TCP: a TLS ClientHello, or else the Host of an HTTP/1 request. */
  private void readInitiatorStream(Flow flow) {
    InitiatorStream stream = flow.initiatorStream();
    TlsClientHello.Result hello = TlsClientHello.parse(stream.bytes(), 0, stream.length());
    boolean done = hello.isFinal();
    if (hello.status() == TlsClientHello.Status.CLIENT_HELLO) {
      recordClientHello(flow, hello, false);
    } else if (hello.status() == TlsClientHello.Status.NOT_TLS) {
      HttpHost.Result request = HttpHost.parse(stream.bytes(), 0, stream.length());
      if (request.status() == HttpHost.Status.HOST) {
        flow.setHttpHost(request.host());
      }
      done = request.isFinal();
    }
    if (done || stream.exhausted()) {
      flow.stopCollectingInitiatorBytes();
    }
  }

  /** UDP from the initiator: CRYPTO frames of QUIC Initials, reassembled by offset. */
  private void readQuicInitial(Flow flow, DecodedPacket packet) {
    byte[] data = packet.data();
    int offset = packet.payloadOffset();
    int length = packet.capturedPayloadLength();
    if (!QuicInitial.isKnownLongHeader(data, offset, length)) {
      if (flow.initiatorStream() == null || flow.packetsUp() > MAX_QUIC_CLIENT_PACKETS) {
        flow.stopCollectingInitiatorBytes(); // not a QUIC version we decrypt (DNS, Google QUIC Q0xx, ...), or given up
      }
      return;
    }
    InitiatorStream crypto = flow.openInitiatorStream();
    crypto.startAt(0);
    int before = crypto.length();
    QuicInitial.read(data, offset, length, (cryptoOffset, bytes, from, cryptoLength) -> {
      if (cryptoOffset < InitiatorStream.LIMIT) {
        crypto.add((int) cryptoOffset, bytes, from, cryptoLength);
      }
    });
    if (crypto.length() == before) {
      if (flow.packetsUp() > MAX_QUIC_CLIENT_PACKETS) {
        flow.stopCollectingInitiatorBytes();
      }
      return;
    }
    TlsClientHello.Result hello = TlsClientHello.parseHandshake(crypto.bytes(), 0, crypto.length());
    if (hello.status() == TlsClientHello.Status.CLIENT_HELLO) {
      recordClientHello(flow, hello, true);
    }
    if (hello.isFinal() || crypto.exhausted()) {
      flow.stopCollectingInitiatorBytes();
    }
  }

  private void recordClientHello(Flow flow, TlsClientHello.Result hello, boolean quic) {
    String alpn = hello.alpn() == null || hello.alpn().isEmpty() ? null : String.join(",", hello.alpn());
    flow.setTlsClientHello(texts.share(hello.sni()), texts.share(alpn));
    flow.setClientHelloDetails(texts.share(hello.ja4(quic)), hello.ech(), quic);
  }

  /** Sets the identification fields of a record of this flow. */
  public void describe(Flow flow, FlowRecord.Builder record) {
    record
        .setSni(flow.sni())
        .setAlpn(flow.alpn())
        .setJa4(flow.ja4())
        .setDnsName(flow.dnsName())
        .setEch(flow.ech())
        .setCommunityId(communityId(flow));
    identify(catalog.get(), hit, flow.sni(), flow.sniFromQuic(), flow.ech(), flow.httpHost(), flow.dnsName(),
        flow.key().ipVersion(), flow.responderAddressHi(), flow.responderAddressLo(), record);
  }

  /**
   * The decision itself, from the evidence a flow gave (see the class comment): sets vendor,
   * service, category, identified_by, confidence, resource and catalog_version. Also used to
   * re-identify stored flows from their stored evidence, so both name an endpoint the same way.
   *
   * @param hit reused by the caller's thread (nothing is allocated but the resource text)
   * @param sni the TLS or QUIC SNI, or null
   * @param quic whether the SNI came from a QUIC Initial
   * @param ech whether the ClientHello offered Encrypted Client Hello
   * @param httpHost the Host of an HTTP/1 request, or null
   * @param dnsName the name a DNS answer gave for the responder's address, or null
   * @param ipVersion 4 or 6; the responder's address in {@code hi}/{@code lo} as flows keep it
   */
  public static void identify(EndpointCatalog catalog, CatalogHit hit, String sni, boolean quic, boolean ech, String httpHost,
      String dnsName, int ipVersion, long hi, long lo, FlowRecord.Builder record) {
    record.setCatalogVersion(catalog.version());
    boolean ownName = sni != null || httpHost != null;
    if (byName(catalog, hit, sni, quic ? Evidence.QUIC : Evidence.SNI, ech ? CONFIDENCE_MEDIUM : CONFIDENCE_HIGH, record)
        || byName(catalog, hit, httpHost, Evidence.HTTP_HOST, CONFIDENCE_MEDIUM, record)
        || (!ownName || ech) && byName(catalog, hit, dnsName, Evidence.DNS, CONFIDENCE_MEDIUM, record)) {
      return;
    }
    EndpointMatch range = catalog.matchAddress(ipVersion, hi, lo);
    if (range != null) {
      identified(record, range, Evidence.IP_RANGE, CONFIDENCE_LOW, null);
    } else {
      record.setIdentifiedBy(Evidence.NONE);
    }
  }

  /** Identifies the record by {@code name} when the catalog knows it. */
  private static boolean byName(EndpointCatalog catalog, CatalogHit hit, String name, Evidence evidence, String confidence,
      FlowRecord.Builder record) {
    if (name == null || !catalog.lookup(name, hit)) {
      return false;
    }
    identified(record, hit.match(), evidence, confidence, hit.resource(name));
    return true;
  }

  private static void identified(FlowRecord.Builder record, EndpointMatch match, Evidence evidence, String confidence, String resource) {
    record
        .setVendor(match.vendor())
        .setService(match.service())
        .setCategory(match.category())
        .setIdentifiedBy(evidence)
        .setConfidence(confidence)
        .setResource(resource);
  }

  private static String communityId(Flow flow) {
    return CommunityId.of(
        flow.key().ipVersion(),
        flow.initiatorAddressHi(), flow.initiatorAddressLo(), flow.initiatorPort(),
        flow.responderAddressHi(), flow.responderAddressLo(), flow.responderPort(),
        flow.key().protocol());
  }
}
