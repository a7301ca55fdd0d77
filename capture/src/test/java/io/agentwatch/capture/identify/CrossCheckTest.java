package io.agentwatch.capture.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.testing.Tshark;
import io.agentwatch.capture.testing.Corpus;
import io.agentwatch.capture.testing.SensorRun;
import io.agentwatch.schema.FlowRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Community ID and JA4 of corpus flows against a second implementation: tshark 4.0's Community ID
 * dissector, and JA4 recomputed here from tshark's own dissection of each ClientHello (tshark 4.0
 * has no JA4 field).
 */
class CrossCheckTest {


  private static String endpoint(String address, String port) {
    return address + "#" + port;
  }

  private static Map<String, FlowRecord> byInitiator(SensorRun run) {
    Map<String, FlowRecord> flows = new HashMap<>();
    for (FlowRecord record : run.records) {
      flows.put(endpoint(record.getSrcIp(), Integer.toString(record.getSrcPort())) + ">" + endpoint(record.getDstIp(), Integer.toString(record.getDstPort())), record);
    }
    return flows;
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "ndpi/pcap/google_meet.pcapng", "ndpi/pcap/android.pcap", "ndpi/pcap/http_ipv6.pcap", "ndpi/pcap/quic-v2.pcapng",
      "ndpi/pcap/dingtalk.pcap", "ipfixprobe/inputs/tls.pcap", "ipfixprobe/inputs/dns.pcap", "flowtest/pcap/tls12.pcap"})
  void communityIdOfEveryFlowEqualsTsharks(String file) throws Exception {
    SensorRun run = SensorRun.of(Corpus.file(file));
    List<String[]> rows = Tshark.fields(Corpus.file(file), "(tcp || udp) && !icmp && !icmpv6", List.of("--enable-protocol", "communityid"),
        "ip.src", "ipv6.src", "tcp.srcport", "udp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport", "udp.dstport", "communityid");
    Map<String, String> tsharkIds = new HashMap<>();
    for (String[] row : rows) {
      String src = row[0].isEmpty() ? row[1] : row[0];
      String dst = row[4].isEmpty() ? row[5] : row[4];
      String srcPort = row[2].isEmpty() ? row[3] : row[2];
      String dstPort = row[6].isEmpty() ? row[7] : row[6];
      if (!row[8].isEmpty() && !src.contains(",") && !srcPort.contains(",")) {
        tsharkIds.put(endpoint(src, srcPort) + ">" + endpoint(dst, dstPort), row[8]);
      }
    }
    int compared = 0;
    for (Map.Entry<String, FlowRecord> flow : byInitiator(run).entrySet()) {
      String expected = tsharkIds.get(flow.getKey());
      if (expected != null) {
        assertEquals(expected, flow.getValue().getCommunityId(), file + " " + flow.getKey());
        compared++;
      }
    }
    assertTrue(compared >= 1 && compared >= run.records.size() / 2, file + ": compared only " + compared + " of " + run.records.size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ndpi/pcap/google_meet.pcapng", "ndpi/pcap/android.pcap", "ndpi/pcap/http_ipv6.pcap", "ndpi/pcap/dingtalk.pcap",
      "ipfixprobe/inputs/tls.pcap", "ndpi/pcap/alexa-app.pcapng", "ndpi/pcap/tls_with_huge_ch.pcapng"})
  void ja4OfEveryTcpClientHelloEqualsTheOneComputedFromTsharksDissection(String file) throws Exception {
    SensorRun run = SensorRun.of(Corpus.file(file));
    Map<String, FlowRecord> flows = byInitiator(run);
    List<String[]> hellos = Tshark.fields(Corpus.file(file), "tls.handshake.type == 1 && tcp", List.of(),
        "ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport", "tls.handshake.ciphersuite", "tls.handshake.extension.type",
        "tls.handshake.sig_hash_alg", "tls.handshake.extensions.supported_version", "tls.handshake.version",
        "tls.handshake.extensions_alpn_str");
    int compared = 0;
    for (String[] hello : hellos) {
      String key = endpoint(hello[0].isEmpty() ? hello[1] : hello[0], hello[2]) + ">" + endpoint(hello[3].isEmpty() ? hello[4] : hello[3], hello[5]);
      FlowRecord flow = flows.get(key);
      if (flow == null || flow.getJa4() == null) {
        continue; // a flow whose ClientHello the sensor could not complete (retransmission-only, gaps)
      }
      assertEquals(ja4FromTshark(hello), flow.getJa4(), file + " " + key);
      compared++;
    }
    assertTrue(compared > 0, file + ": no ClientHello compared");
  }

  /** JA4 ("t" only) from tshark's decimal/hex field text; written apart from {@link Ja4} on purpose. */
  private static String ja4FromTshark(String[] hello) throws Exception {
    List<Integer> ciphers = numbers(hello[6]);
    List<Integer> extensions = numbers(hello[7]);
    List<Integer> signatures = numbers(hello[8]);
    List<Integer> versions = numbers(hello[9]);
    int legacy = numbers(hello[10]).get(0);
    String alpn = hello[11].isEmpty() ? "" : hello[11].split(",")[0];
    int version = versions.isEmpty() ? legacy : versions.stream().max(Integer::compare).get();
    Map<Integer, String> names = Map.of(0x0304, "13", 0x0303, "12", 0x0302, "11", 0x0301, "10", 0x0300, "s3");
    String alpnCode = alpn.isEmpty() ? "00" : "" + alpn.charAt(0) + alpn.charAt(alpn.length() - 1);
    String a = "t" + names.getOrDefault(version, "00") + (extensions.contains(0) ? "d" : "i")
        + String.format("%02d%02d", Math.min(99, ciphers.size()), Math.min(99, extensions.size())) + alpnCode;
    String b = sha12(hex(ciphers.stream().sorted().toList()));
    List<Integer> hashed = extensions.stream().filter(e -> e != 0 && e != 16).sorted().toList();
    String c = hex(hashed) + (signatures.isEmpty() ? "" : "_" + hex(signatures));
    return a + "_" + b + "_" + (hashed.isEmpty() ? "000000000000" : sha12(c));
  }

  private static List<Integer> numbers(String field) {
    List<Integer> values = new ArrayList<>();
    for (String text : field.split(",")) {
      if (!text.isEmpty()) {
        int value = text.startsWith("0x") ? Integer.parseInt(text.substring(2), 16) : Integer.parseInt(text);
        boolean grease = (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff);
        if (!grease) {
          values.add(value);
        }
      }
    }
    return values;
  }

  private static String hex(List<Integer> values) {
    return values.stream().map(v -> String.format("%04x", v)).collect(Collectors.joining(","));
  }

  private static String sha12(String text) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
    return HexFormat.of().formatHex(Arrays.copyOf(digest, 6));
  }
}
