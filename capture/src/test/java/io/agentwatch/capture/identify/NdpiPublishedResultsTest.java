package io.agentwatch.capture.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.testing.Corpus;
import io.agentwatch.capture.testing.NdpiResults;
import io.agentwatch.capture.testing.SensorRun;
import io.agentwatch.schema.FlowRecord;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every TLS and QUIC server name, and every JA4, that nDPI publishes for a corpus capture
 * (ndpi/result/FILE.out, a second implementation) is what the sensor reports for the same flow.
 * HTTP and DNS lines are left out: nDPI puts their Host and query name in the same field (corpus
 * README, remark 7), and the names of Google QUIC before TLS (Q0xx: a CHLO tag) are not SNIs
 * (remark 1); Google QUIC with TLS (T050, T051) carries a TLS ClientHello and is compared.
 *
 * <p>JA4 is compared in everything but two characters where the nDPI build that produced these
 * files departs from the JA4 definition (FoxIO, JA4 TLS client fingerprint): the ALPN characters
 * (the definition takes the first and last character of the first ALPN value, "http/1.1" → "h1",
 * "h3-29" → "h9"; nDPI takes the first two, and writes "h0" for "h3") and the SNI flag (the
 * definition says 'i' when the ClientHello has no server_name extension; nDPI says 'd'). And where
 * a section is empty the definition writes 000000000000 while nDPI writes the hash of nothing
 * (e3b0c44298fc); that one is mapped. Protocol, version, cipher and extension counts, and both
 * hashes must agree.
 */
class NdpiPublishedResultsTest {

  record Published(String a, int aPort, String b, int bPort, String sni, String ja4) {}

  @ParameterizedTest
  @ValueSource(strings = {"android.pcap", "KakaoTalk_chat.pcap", "alexa-app.pcapng", "http_ipv6.pcap",
      "google_meet.pcapng", "dingtalk.pcap", "quic-29.pcap", "quic-v2.pcapng", "tls_with_huge_ch.pcapng",
      "quic_t50.pcap", "quic_t51.pcap"})
  void everyPublishedServerNameAndJa4IsReported(String capture) throws Exception {
    List<Published> published = published(capture);
    SensorRun run = SensorRun.of(Corpus.file("ndpi/pcap/" + capture));
    int sniChecked = 0;
    int ja4Checked = 0;
    for (Published flow : published) {
      List<FlowRecord> records = recordsOf(run, flow);
      assertTrue(!records.isEmpty(), capture + ": no record for " + flow);
      if (flow.sni() != null) {
        assertTrue(records.stream().anyMatch(r -> flow.sni().equals(r.getSni())),
            capture + ": " + flow + " reported as " + records.stream().map(FlowRecord::getSni).toList());
        sniChecked++;
      }
      if (flow.ja4() != null) {
        assertTrue(records.stream().anyMatch(r -> r.getJa4() != null && comparable(flow.ja4()).equals(comparable(r.getJa4()))),
            capture + ": JA4 of " + flow + " reported as " + records.stream().map(FlowRecord::getJa4).toList());
        ja4Checked++;
      }
    }
    assertEquals(published.stream().filter(p -> p.sni() != null).count(), sniChecked);
    assertEquals(published.stream().filter(p -> p.ja4() != null).count(), ja4Checked);
  }

  private static final String EMPTY_SECTION = "000000000000";
  private static final String HASH_OF_NOTHING = "e3b0c44298fc";

  /** A JA4 without the SNI flag (4th character) and the ALPN characters (9th and 10th). */
  static String comparable(String ja4) {
    String sections = ja4.length() < 10 ? ja4 : ja4.substring(0, 3) + ja4.substring(4, 8) + ja4.substring(10);
    return sections.replace(HASH_OF_NOTHING, EMPTY_SECTION);
  }

  private static List<Published> published(String capture) throws Exception {
    List<Published> flows = new ArrayList<>();
    for (NdpiResults.Flow flow : NdpiResults.of(capture)) {
      if (!flow.tcpOrUdp() || !flow.bidirectional()) {
        continue;
      }
      String proto = flow.protocol();
      boolean tls = proto.startsWith("91") || proto.contains("/TLS");
      boolean ietfQuic = proto.startsWith("188") && !flow.line().contains("[QUIC ver: Q0");
      if (!tls && !ietfQuic) {
        continue;
      }
      if (flow.hostname() == null && flow.ja4() == null) {
        continue;
      }
      flows.add(new Published(flow.a(), flow.aPort(), flow.b(), flow.bPort(), flow.hostname(), flow.ja4()));
    }
    assertTrue(!flows.isEmpty(), capture + ": no TLS/QUIC flow with a name or JA4 in nDPI's results");
    return flows;
  }

  /** The records of the flow, whichever endpoint nDPI took as the client. */
  private static List<FlowRecord> recordsOf(SensorRun run, Published flow) throws Exception {
    InetAddress a = InetAddress.getByName(flow.a());
    InetAddress b = InetAddress.getByName(flow.b());
    List<FlowRecord> matching = new ArrayList<>();
    for (FlowRecord r : run.records) {
      InetAddress src = InetAddress.getByName(r.getSrcIp());
      InetAddress dst = InetAddress.getByName(r.getDstIp());
      boolean forward = src.equals(a) && r.getSrcPort() == flow.aPort() && dst.equals(b) && r.getDstPort() == flow.bPort();
      boolean reverse = src.equals(b) && r.getSrcPort() == flow.bPort() && dst.equals(a) && r.getDstPort() == flow.aPort();
      if (forward || reverse) {
        matching.add(r);
      }
    }
    return matching;
  }
}
