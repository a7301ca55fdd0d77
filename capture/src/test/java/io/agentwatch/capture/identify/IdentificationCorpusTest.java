package io.agentwatch.capture.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.testing.Corpus;
import io.agentwatch.capture.testing.NdpiResults;
import io.agentwatch.capture.testing.SensorRun;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Identification on the shared corpus against the values its README publishes. */
class IdentificationCorpusTest {

  @ParameterizedTest(name = "{0}: QUIC SNI {5}")
  @CsvSource({
      "ndpi/pcap/quic-v2.pcapng, ::1, 42086, ::1, 4443, test, h3",
      "ndpi/pcap/quic-29.pcap, 10.9.0.1, 36588, 10.9.0.2, 443, localhost, h3-29",
      "ndpi/pcap/google_meet.pcapng, 192.168.88.231, 59369, 173.194.73.101, 443, meet.google.com, h3",
      "ipfixprobe/inputs/quic_initial-sample.pcap, 2001:718:2:62::2, 58181, 2a00:1450:4014:800::2004, 443, www.google.com, h3-29",
      "ipfixprobe/inputs/tls.pcap, 192.168.0.228, 52059, 142.251.36.106, 443, signaler-pa.clients6.google.com, h3",
      "ndpi/pcap/quic_t50.pcap, 40.154.127.200, 49836, 166.240.188.209, 443, fonts.googleapis.com, h3-T050",
      "ndpi/pcap/quic_t51.pcap, 187.227.136.152, 55356, 211.247.147.90, 443, www.google.com, h3-T051"})
  void quicInitialSniIsReportedForEveryPublishedQuicFlow(
      String file, String src, int srcPort, String dst, int dstPort, String sni, String firstAlpn) throws Exception {
    SensorRun run = SensorRun.of(Corpus.file(file));
    SensorRun.FlowTotals flow = run.flow(Transport.UDP, src, srcPort, dst, dstPort);
    assertEquals(sni, flow.sni());
    assertTrue(flow.alpn().startsWith(firstAlpn), flow.alpn());
    FlowRecord record = flow.records().get(0);
    assertTrue(record.getJa4().startsWith("q13d"), record.getJa4());
  }

  @Test
  void googleMeetQuicFlowIsIdentifiedByQuicAndItsTcpFlowBySni() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("ndpi/pcap/google_meet.pcapng"));
    FlowRecord quic = run.flow(Transport.UDP, "192.168.88.231", 59369, "173.194.73.101", 443).records().get(0);
    FlowRecord tcp = run.tcp("192.168.88.231", 43268, "173.194.73.101", 443).records().get(0);
    assertEquals("meet.google.com", tcp.getSni());
    assertEquals("h2,http/1.1", tcp.getAlpn());
    assertTrue(tcp.getJa4().startsWith("t13d"), tcp.getJa4());
    assertTrue(quic.getJa4().startsWith("q13d"), quic.getJa4());
  }

  /**
   * Google QUIC with TLS (T050, T051; Chrome until 2021): the flow nDPI publishes for each capture
   * (ndpi/result/FILE.out) is named by the SNI of its decrypted Initial, like QUIC v1, once the
   * catalog lists the name: here a user file that lists Google's domains.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"quic_t50.pcap", "quic_t51.pcap"})
  void googleQuicWithTlsIsIdentifiedByTheSniOfItsInitialLikeQuicV1(String capture, @TempDir Path dir) throws Exception {
    Path userCatalog = dir.resolve("google.yaml");
    Files.writeString(userCatalog, """
        version: 1
        vendors:
          - id: google
            name: Google
            source: https://www.google.com/
            services:
              - id: web
                category: chat-web
                domains: [google.com, googleapis.com]
        """);
    NdpiResults.Flow published = NdpiResults.of(capture).get(0);
    assertTrue(published.line().contains("[QUIC ver: T05"), published.line());

    SensorRun run = SensorRun.of(Corpus.file("ndpi/pcap/" + capture),
        SensorConfig.defaults("test-sensor").withCatalog(EndpointCatalog.builtinWith(List.of(userCatalog))));
    SensorRun.FlowTotals flow = run.flow(Transport.UDP, published.a(), published.aPort(), published.b(), published.bPort());

    assertEquals(published.hostname(), flow.sni());
    FlowRecord record = flow.records().get(0);
    assertEquals(Evidence.QUIC, record.getIdentifiedBy());
    assertEquals(Identifier.CONFIDENCE_HIGH, record.getConfidence());
    assertEquals("google", record.getVendor());
    assertEquals(published.packetsAToB(), flow.packetsUp());
    assertEquals(published.packetsBToA(), flow.packetsDown());
    // nDPI counts L2 bytes: these captures are untagged Ethernet, 14 bytes per frame, no padding
    // (the smallest frame is 68 bytes; PublishedFlowCountsTest converts with tshark as well).
    assertEquals(published.bytesAToB() - 14 * published.packetsAToB(), flow.bytesUp());
    assertEquals(published.bytesBToA() - 14 * published.packetsBToA(), flow.bytesDown());
  }

  @Test
  void googleQuicQ025CarriesNoSni() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("ndpi/pcap/http_ipv6.pcap"));
    SensorRun.FlowTotals gquic = run.flow(Transport.UDP, "2a00:d40:1:3:7aac:c0ff:fea7:d4c", 45931, "2a00:1450:4001:803::1017", 443);
    assertNull(gquic.sni());
    assertEquals("www.ntop.org", run.tcp("2a00:d40:1:3:7aac:c0ff:fea7:d4c", 37506, "2a03:b0c0:3:d0::70:1001", 443).sni());
  }

  @Test
  void noUdpFlowOfTheCorpusGetsAnSniExceptThePublishedQuicOnes() throws Exception {
    for (String file : List.of("ndpi/pcap/http_ipv6.pcap", "ndpi/pcap/gnutella.pcap", "ndpi/pcap/alexa-app.pcapng", "ipfixprobe/inputs/dns.pcap")) {
      for (FlowRecord record : SensorRun.of(Corpus.file(file)).records) {
        if (record.getTransport() == Transport.UDP) {
          assertNull(record.getSni(), file + ": " + record);
        }
      }
    }
  }

  @Test
  void missingClientHelloFragmentGivesNoSniAndNoJa4() throws Exception {
    for (FlowRecord record : SensorRun.of(Corpus.file("ndpi/pcap/tls_missing_ch_frag.pcap")).records) {
      assertNull(record.getSni());
      assertNull(record.getJa4());
    }
  }

  @Test
  void flowsGetTheNameThatAnEarlierDnsAnswerGaveTheirAddress() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("ndpi/pcap/android.pcap"));
    // DNS :47081 -> 192.168.2.1:53 answers connectivitycheck.gstatic.com -> 172.217.18.3 (corpus README)
    FlowRecord flow = run.tcp("192.168.2.16", 36888, "172.217.18.3", 443).records().get(0);
    assertEquals("connectivitycheck.gstatic.com", flow.getDnsName());
  }

  @Test
  void everyFlowCarriesACommunityId() throws Exception {
    for (FlowRecord record : SensorRun.of(Corpus.file("ipfixprobe/inputs/tls.pcap")).records) {
      assertTrue(record.getCommunityId().startsWith("1:"), record.toString());
      assertFalse(record.getEch() && record.getSni() == null);
    }
  }
}
