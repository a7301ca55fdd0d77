package io.agentwatch.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.export.FlowFields;
import io.agentwatch.capture.source.CaptureException;
import io.agentwatch.capture.source.PcapFileSource;
import io.agentwatch.capture.testing.UnirecCsv;
import io.agentwatch.capture.testing.Corpus;
import io.agentwatch.capture.testing.SensorRun;
import io.agentwatch.capture.testing.SensorRun.FlowTotals;
import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sensor against captures whose flows other tools published (see the corpus README). */
class SensorCorpusTest {

  @Test
  void vlanTaggedTls12FlowMatchesFlowTest() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("flowtest/pcap/tls12.pcap"));

    assertEquals(1, run.records.size(), "one flow");
    FlowTotals flow = run.tcp("10.100.50.48", 46588, "10.100.50.139", 7001);
    assertEquals("15/3218 <-> 11/3798", flow.counts());
    assertNull(flow.sni(), "mutual-auth TLS 1.2 without SNI");
    assertEquals(26, run.stats.packetsDecoded());
  }

  @Test
  void everyTlsFlowMatchesIpfixprobeCountsTimesAndSni() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("ipfixprobe/inputs/tls.pcap"));
    List<String> lines = Files.readAllLines(Corpus.file("ipfixprobe/outputs/tls"));
    List<String> header = UnirecCsv.split(lines.get(lines.size() - 1));
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    for (String line : lines.subList(0, lines.size() - 1)) {
      List<String> row = UnirecCsv.split(line);
      String src = column(header, row, "SRC_IP");
      int srcPort = Integer.parseInt(column(header, row, "SRC_PORT"));
      String dst = column(header, row, "DST_IP");
      int dstPort = Integer.parseInt(column(header, row, "DST_PORT"));
      FlowTotals flow = run.tcp(src, srcPort, dst, dstPort);
      String expectedCounts =
          column(header, row, "PACKETS") + "/" + column(header, row, "BYTES") + " <-> "
              + column(header, row, "PACKETS_REV") + "/" + column(header, row, "BYTES_REV");
      String expectedSni = column(header, row, "TLS_SNI");
      FlowRecord first = flow.records().get(0);
      FlowRecord last = flow.records().get(flow.records().size() - 1);
      String expected = expectedCounts + " sni=" + expectedSni + " " + column(header, row, "TIME_FIRST") + "Z.." + column(header, row, "TIME_LAST") + "Z";
      String actual = flow.counts() + " sni=" + (flow.sni() == null ? "" : flow.sni()) + " "
          + FlowFields.time(first.getFirstSeen()) + ".." + FlowFields.time(last.getLastSeen());
      if (!expected.equals(actual)) {
        mismatches.add(src + ":" + srcPort + " -> " + dst + ":" + dstPort + "\n    expected " + expected + "\n    actual   " + actual);
      }
      checked++;
    }
    assertEquals(28, checked);
    assertEquals(List.of(), mismatches);
    FlowTotals asecuritysite = run.tcp("172.16.121.155", 3923, "87.106.189.123", 443);
    assertEquals("14/2170 <-> 18/8910", asecuritysite.counts());
    assertEquals("asecuritysite.com", asecuritysite.sni());
  }

  @Test
  void clientHelloSplitOverTwoSegmentsGivesTheSni() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("ndpi/pcap/dingtalk.pcap"));

    FlowTotals flow = run.tcp("10.215.173.1", 49352, "104.166.182.25", 443);
    assertEquals("static.dingtalk.com", flow.sni());
    assertEquals("h2,http/1.1", flow.alpn());
    assertEquals("7/897 <-> 5/3701", flow.counts(), "raw-IP link type: L2 bytes equal L3 bytes");
    assertNull(run.tcp("10.215.173.1", 48910, "47.246.133.39", 443).sni());
  }

  @Test
  void clientHelloOverTwelveSegmentsIsReassembled() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("ndpi/pcap/tls_with_huge_ch.pcapng"));

    FlowTotals flow = run.tcp("172.30.84.193", 40640, "208.253.217.142", 443);
    assertNull(flow.sni(), "this ClientHello has no server_name");
    assertEquals("h2,http/1.1", flow.alpn(), "the ALPN sits at the end of an 11 414-byte ClientHello");
    assertEquals(194, flow.packetsUp());
    assertEquals(234, flow.packetsDown());
  }

  @Test
  void missingClientHelloSegmentGivesNoSniAndNoCrash() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("ndpi/pcap/tls_missing_ch_frag.pcap"));

    FlowTotals flow = run.tcp("192.168.0.1", 33063, "10.10.10.1", 443);
    assertNull(flow.sni());
    assertNull(flow.alpn());
    assertEquals(8, flow.packetsUp(), "the capture starts at the SYN-ACK: its receiver is the initiator");
    assertEquals(6, flow.packetsDown());
  }

  @Test
  void ipv6TlsFlowHasCanonicalAddressesAndSni() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("ndpi/pcap/http_ipv6.pcap"));

    FlowTotals flow = run.tcp("2a00:d40:1:3:7aac:c0ff:fea7:d4c", 37506, "2a03:b0c0:3:d0::70:1001", 443);
    assertEquals("www.ntop.org", flow.sni());
    assertEquals(14, flow.packetsUp());
    assertEquals(3969 - 14 * 14, flow.bytesUp(), "nDPI counts Ethernet frames; records count IP bytes");
    assertEquals(11648 - 12 * 14, flow.bytesDown());
  }

  @Test
  void linuxCookedIpv6QuicFlowInPcapng() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("ndpi/pcap/quic-v2.pcapng"));

    FlowTotals flow = run.flow(Transport.UDP, "::1", 42086, "::1", 4443);
    assertEquals((8) + "/" + (2734 - 8 * 16) + " <-> " + 11 + "/" + (10236 - 11 * 16), flow.counts(), "SLL header is 16 bytes");
  }

  @Test
  void kakaoTalkOverSllWithRetransmissions() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("ndpi/pcap/KakaoTalk_chat.pcap"));

    FlowTotals graph = run.tcp("10.24.82.188", 43581, "31.13.68.70", 443);
    assertEquals("graph.facebook.com", graph.sni());
    assertEquals((17) + "/" + (3461 - 17 * 16) + " <-> " + 17 + "/" + (6194 - 17 * 16), graph.counts());
    assertEquals("api.facebook.com", run.tcp("10.24.82.188", 45209, "31.13.68.84", 443).sni());
    assertEquals("developers.facebook.com", run.tcp("10.24.82.188", 45211, "31.13.68.84", 443).sni());
  }

  @Test
  void ipv4FragmentsStayInTheirFlow() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("flowtest/pcap/ipv4-udp-fragmented.pcap"));

    FlowTotals flow = run.flow(Transport.UDP, "131.179.196.46", 6363, "131.179.196.220", 6363);
    assertEquals("4/504 <-> 4/5467", flow.counts());
  }

  @Test
  void sameExchangeInThreeVlansIsThreeFlows() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("ipfixprobe/inputs/vlan.pcap"));

    assertEquals(3, run.records.size());
    for (FlowRecord record : run.records) {
      assertEquals("192.168.170.8", record.getSrcIp());
      assertEquals(1, record.getPacketsUp());
      assertEquals(56, record.getBytesUp());
      assertEquals(284, record.getBytesDown());
    }
  }

  @Test
  void linuxCookedV2FramesAreDecodedAndNonTransportSkipped() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("zeek/Traces/linux_dlt_sll2.pcap"));

    assertEquals(6, run.stats.packetsRead());
    assertEquals(0, run.stats.packetsDecoded());
    assertEquals(2L, run.stats.packetsSkippedByReason().get("not-ip"), "ARP");
    assertEquals(4L, run.stats.packetsSkippedByReason().get("icmp"), "ICMP, ICMPv6");
  }

  @Test
  void manyFlowsAreAllExported() throws Exception {
    SensorRun run = SensorRun.of(Corpus.file("ndpi/pcap/gnutella.pcap"));

    long finalRecords = run.records.stream().filter(r -> r.getEndReason() != EndReason.ACTIVE_TIMEOUT).count();
    assertEquals(run.stats.flowsCreated(), finalRecords, "one final record per flow");
    assertTrue(run.records.size() > finalRecords, "flows longer than 300 s also gave active-timeout records");
    long packets = run.records.stream().mapToLong(r -> r.getPacketsUp() + r.getPacketsDown()).sum();
    assertEquals(run.stats.packetsDecoded(), packets, "every decoded packet is in exactly one record");
    for (int i = 0; i < run.records.size(); i++) {
      assertEquals(i + 1, run.records.get(i).getSequence(), "sequence numbers 1, 2, 3, ...");
    }
  }

  @Test
  void truncatedFuzzedFileEndsWithClearErrorAndKeepsWhatWasSeen() throws IOException {
    InMemoryFlowSink sink = new InMemoryFlowSink();
    Sensor sensor = new Sensor(SensorConfig.defaults("test-sensor"), sink);

    CaptureException error =
        assertThrows(CaptureException.class, () -> {
          try (PcapFileSource source = PcapFileSource.open(Corpus.file("ndpi/pcap/fuzz-2021-10-13.pcap"))) {
            sensor.run(source);
          }
        });

    assertTrue(error.getMessage().startsWith("fuzz-2021-10-13.pcap: "), error.getMessage());
    assertEquals(sensor.stats().recordsExported(), sink.records().size());
  }

  /** The value of a column; header cells read "type NAME". */
  private static String column(List<String> header, List<String> row, String name) {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).endsWith(" " + name)) {
        return row.get(i);
      }
    }
    throw new AssertionError("no column " + name + " in " + header);
  }
}
