package io.agentwatch.capture.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.testing.Corpus;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsResponseTest {

  private static List<String> answersIn(String file) throws Exception {
    List<String> answers = new ArrayList<>();
    for (CorpusPackets.UdpPayload payload : CorpusPackets.udpPayloads(Corpus.file(file))) {
      if (payload.srcPort() == 53) {
        for (DnsResponse.Answer answer : DnsResponse.parse(payload.bytes(), 0, payload.bytes().length)) {
          answers.add(answer.name() + " " + InetAddress.getByAddress(answer.address()).getHostAddress() + " " + answer.ttlSeconds());
        }
      }
    }
    return answers;
  }

  @Test
  void aAndAaaaAnswersMatchThePublishedPassiveDnsOutput() throws Exception {
    List<String> answers = answersIn("ipfixprobe/inputs/dns.pcap");
    // ipfixprobe outputs/passivedns: kernel.org A x3 (ttl 360), google.com AAAA (ttl 32)
    assertTrue(answers.contains("kernel.org 149.20.4.69 360"), answers.toString());
    assertTrue(answers.contains("kernel.org 198.145.20.140 360"), answers.toString());
    assertTrue(answers.contains("kernel.org 199.204.44.194 360"), answers.toString());
    assertTrue(answers.contains("google.com 2a00:1450:400d:806:0:0:0:200e 32"), answers.toString());
  }

  @Test
  void anAddressReachedThroughACnameChainIsNamedByTheQueriedName() throws Exception {
    // KakaoTalk: katalk.kakao.com CNAME katalk.gl.kakao.com A 110.76.142.34 (corpus README, tshark)
    List<String> answers = answersIn("ndpi/pcap/KakaoTalk_chat.pcap");
    assertTrue(answers.stream().anyMatch(a -> a.startsWith("katalk.kakao.com 110.76.142.34 ")), answers.toString());
  }

  @Test
  void aCnameOnlyAnswerGivesNoAddress() throws Exception {
    assertEquals(List.of(), answersIn("flowtest/pcap/dns_cname.pcap"));
  }

  @Test
  void loopingAndForwardCompressionPointersAreRejected() {
    // header: response, 1 question, 1 answer; the question name is a pointer to itself (offset 12)
    byte[] loop = HexFormat.of().parseHex("1234818000010001000000000c0c00010001" + "c00c0001000100000e1000040a000001");
    assertEquals(List.of(), DnsResponse.parse(loop, 0, loop.length));
    byte[] forward = HexFormat.of().parseHex("1234818000010001000000000c2000010001" + "c00c0001000100000e1000040a000001");
    assertEquals(List.of(), DnsResponse.parse(forward, 0, forward.length));
  }

  @Test
  void aTruncatedAnswerYieldsNothing() {
    byte[] ok = HexFormat.of().parseHex("123481800001000100000000" + "01610362636400000100 01".replace(" ", "") + "c00c0001000100000e1000040a000001");
    assertEquals(1, DnsResponse.parse(ok, 0, ok.length).size());
    for (int cut = 0; cut < ok.length; cut++) {
      assertEquals(List.of(), DnsResponse.parse(ok, 0, cut), "cut at " + cut);
    }
  }

  @Test
  void cacheHonoursTtlInCaptureTimeAndStaysBounded() {
    DnsCache cache = new DnsCache(2);
    long second = 1_000_000_000L;
    cache.add(List.of(new DnsResponse.Answer("a.example", new byte[] {10, 0, 0, 1}, 60)), 0);
    assertEquals("a.example", cache.lookup(4, 0, 0x0a000001L, 59 * second));
    assertNull(cache.lookup(4, 0, 0x0a000001L, 61 * second));
    cache.add(List.of(new DnsResponse.Answer("b.example", new byte[] {10, 0, 0, 2}, 60)), 0);
    cache.add(List.of(new DnsResponse.Answer("c.example", new byte[] {10, 0, 0, 3}, 60)), 0);
    assertEquals(2, cache.size());
    assertNull(cache.lookup(4, 0, 0x0a000001L, second));
  }
}
