package io.agentwatch.capture.identify;

import io.agentwatch.capture.flow.Flow;
import io.agentwatch.capture.flow.InitiatorStream;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;

/**
 * Names the endpoint of a flow. While a TCP flow is young it reads the TLS ClientHello from the
 * initiator's first bytes; when a record is built it fills SNI, ALPN and, if the catalog knows the
 * name, vendor, service, category and the evidence used.
 */
public final class Identifier {

  private final EndpointCatalog catalog;

  public Identifier(EndpointCatalog catalog) {
    this.catalog = catalog;
  }

  /** Called after each packet is counted in its flow; cheap unless the initiator's stream grew. */
  public void onPacket(Flow flow) {
    if (!flow.initiatorStreamGrew()) {
      return;
    }
    InitiatorStream stream = flow.initiatorStream();
    TlsClientHello.Result hello = TlsClientHello.parse(stream.bytes(), 0, stream.length());
    if (hello.status() == TlsClientHello.Status.CLIENT_HELLO) {
      flow.setTlsClientHello(hello.sni(), hello.alpn());
    }
    if (hello.isFinal() || stream.exhausted()) {
      flow.stopCollectingInitiatorBytes();
    }
  }

  /** Sets the identification fields of a record of this flow. */
  public void describe(Flow flow, FlowRecord.Builder record) {
    record.setSni(flow.sni()).setAlpn(flow.alpn());
    EndpointMatch match = catalog.match(flow.sni());
    if (match == null) {
      record.setIdentifiedBy(Evidence.NONE);
      return;
    }
    record
        .setVendor(match.vendor())
        .setService(match.service())
        .setCategory(match.category())
        .setIdentifiedBy(Evidence.SNI);
  }
}
