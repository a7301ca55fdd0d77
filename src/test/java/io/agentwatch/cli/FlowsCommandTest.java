package io.agentwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The `agentwatch flows` contract: JSON lines on stdout, a summary or a clear error on stderr. */
class FlowsCommandTest {

  static final Path CORPUS = Path.of(System.getProperty("agentwatch.corpus", "../testdata"));

  record Run(int exitCode, String out, String err) {}

  static Run agentwatch(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = AgentWatch.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void printsTheFlowOfTls12WithThePublishedPacketAndL3ByteCounts() throws Exception {
    // FlowTest's published validation (flowtest/validation/tcp.yml, ipv4.yml): 15 p / 3218 B
    // forward, 11 p / 3798 B reverse, on VLAN 2050.
    Run run = agentwatch("flows", "--read", CORPUS.resolve("flowtest/pcap/tls12.pcap").toString(), "--format", "jsonl");
    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.out().lines().toList();
    assertEquals(1, lines.size(), run.out());
    JsonNode flow = new ObjectMapper().readTree(lines.get(0));
    assertEquals("10.100.50.48", flow.get("src_ip").asText());
    assertEquals(46588, flow.get("src_port").asInt());
    assertEquals("10.100.50.139", flow.get("dst_ip").asText());
    assertEquals(7001, flow.get("dst_port").asInt());
    assertEquals("tcp", flow.get("transport").asText());
    assertEquals(15, flow.get("packets_up").asLong());
    assertEquals(11, flow.get("packets_down").asLong());
    assertEquals(3218, flow.get("bytes_up").asLong());
    assertEquals(3798, flow.get("bytes_down").asLong());
    assertTrue(flow.get("sni").isNull(), "mutual-auth TLS 1.2 without SNI");
    assertTrue(flow.get("vendor").isNull());
    assertEquals("none", flow.get("identified_by").asText());
  }

  @Test
  void jsonFieldsAreTheStableContractInItsOrder() throws Exception {
    Run run = agentwatch("flows", "--read", CORPUS.resolve("flowtest/pcap/tls12.pcap").toString());
    List<String> names = new java.util.ArrayList<>();
    new ObjectMapper().readTree(run.out().lines().findFirst().orElseThrow()).fieldNames().forEachRemaining(names::add);
    assertEquals(Arrays.asList("src_ip", "src_port", "dst_ip", "dst_port", "transport", "packets_up",
        "packets_down", "bytes_up", "bytes_down", "first_seen", "last_seen", "sni", "vendor", "service",
        "identified_by", "end_reason"), names.subList(0, 16));
  }

  @Test
  void truncatedCaptureEndsWithAClearMessageAndNonZeroExitNotAStackTrace() {
    Run run = agentwatch("flows", "--read", CORPUS.resolve("ndpi/pcap/fuzz-2021-10-13.pcap").toString());
    assertNotEquals(0, run.exitCode());
    assertTrue(run.err().contains("fuzz-2021-10-13.pcap"), run.err());
    assertNoStackTrace(run);
  }

  @Test
  void fileCutInTheMiddleOfAPacketKeepsTheFlowsBeforeTheCut(@TempDir Path dir) throws Exception {
    byte[] whole = Files.readAllBytes(CORPUS.resolve("ipfixprobe/inputs/tls.pcap"));
    Path cut = dir.resolve("cut.pcap");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2 + 7));
    Run run = agentwatch("flows", "--read", cut.toString());
    assertNotEquals(0, run.exitCode());
    assertFalse(run.out().isBlank(), "flows seen before the cut are printed");
    assertTrue(run.err().contains("cut.pcap"), run.err());
    assertNoStackTrace(run);
  }

  @Test
  void fileThatIsNotACaptureIsRejectedClearly(@TempDir Path dir) throws Exception {
    Path text = Files.writeString(dir.resolve("notes.txt"), "this is not a capture\n");
    Run run = agentwatch("flows", "--read", text.toString());
    assertNotEquals(0, run.exitCode());
    assertTrue(run.err().contains("notes.txt"), run.err());
    assertNoStackTrace(run);
  }

  @Test
  void missingFileIsNamed() {
    Run run = agentwatch("flows", "--read", "/nonexistent/capture.pcap");
    assertNotEquals(0, run.exitCode());
    assertTrue(run.err().contains("/nonexistent/capture.pcap"), run.err());
    assertNoStackTrace(run);
  }

  @Test
  void csvHasTheContractFieldsAsHeaderAndTheSameCountsAsJson() throws Exception {
    Run csv = agentwatch("flows", "--read", CORPUS.resolve("flowtest/pcap/tls12.pcap").toString(), "--format", "csv");
    assertEquals(0, csv.exitCode(), csv.err());
    List<String> lines = csv.out().lines().toList();
    assertEquals(2, lines.size(), csv.out());
    List<String> header = Arrays.asList(lines.get(0).split(","));
    assertEquals(io.agentwatch.capture.export.FlowFields.ALL.stream().map(f -> f.name()).toList(), header);
    List<String> values = Arrays.asList(lines.get(1).split(",", -1));
    assertEquals(header.size(), values.size());
    assertEquals("10.100.50.48", values.get(header.indexOf("src_ip")));
    assertEquals("15", values.get(header.indexOf("packets_up")));
    assertEquals("3798", values.get(header.indexOf("bytes_down")));
    assertEquals("", values.get(header.indexOf("sni")), "absent text is an empty field");
  }

  @Test
  void libpcapAndDirectReadersPrintTheSameFlows() {
    String capture = CORPUS.resolve("ndpi/pcap/quic-v2.pcapng").toString();
    Run direct = agentwatch("flows", "--read", capture, "--reader", "direct");
    Run libpcap = agentwatch("flows", "--read", capture, "--reader", "libpcap");
    assertEquals(0, direct.exitCode(), direct.err());
    assertEquals(direct.out(), libpcap.out());
  }

  @Test
  void filterOnAFileKeepsOnlyMatchingPacketsThroughLibpcap() throws Exception {
    Run all = agentwatch("flows", "--read", CORPUS.resolve("ipfixprobe/inputs/dns.pcap").toString());
    Run filtered = agentwatch("flows", "--read", CORPUS.resolve("ipfixprobe/inputs/dns.pcap").toString(), "--filter", "port 53 and host 8.8.8.8");
    assertEquals(0, filtered.exitCode(), filtered.err());
    assertTrue(filtered.out().lines().count() < all.out().lines().count(), filtered.out());
    Run direct = agentwatch("flows", "--read", CORPUS.resolve("ipfixprobe/inputs/dns.pcap").toString(), "--filter", "port 53", "--reader", "direct");
    assertEquals(2, direct.exitCode());
    assertTrue(direct.err().contains("--filter on a file needs --reader libpcap"), direct.err());
    Run bad = agentwatch("flows", "--read", CORPUS.resolve("ipfixprobe/inputs/dns.pcap").toString(), "--filter", "port banana");
    assertNotEquals(0, bad.exitCode());
    assertTrue(bad.err().contains("invalid BPF filter 'port banana'"), bad.err());
    assertNoStackTrace(bad);
  }

  @Test
  void vendorsOnlyKeepsOnlyIdentifiedFlows() throws Exception {
    Run all = agentwatch("flows", "--read", CORPUS.resolve("ipfixprobe/inputs/tls.pcap").toString());
    Run vendors = agentwatch("flows", "--read", CORPUS.resolve("ipfixprobe/inputs/tls.pcap").toString(), "--vendors-only");
    assertEquals(0, vendors.exitCode(), vendors.err());
    ObjectMapper json = new ObjectMapper();
    for (String line : vendors.out().lines().toList()) {
      assertFalse(json.readTree(line).get("vendor").isNull(), line);
    }
    long identified = 0;
    for (String line : all.out().lines().toList()) {
      identified += json.readTree(line).get("vendor").isNull() ? 0 : 1;
    }
    assertEquals(identified, vendors.out().lines().count());
  }

  @Test
  void timeoutsAreParsedAndApplied() throws Exception {
    // tls12.pcap spans several seconds: a 1 s active timeout splits its flow into several records
    // whose sums are the published totals.
    Run run = agentwatch("flows", "--read", CORPUS.resolve("flowtest/pcap/tls12.pcap").toString(),
        "--active-timeout", "1s", "--idle-timeout", "5m");
    assertEquals(0, run.exitCode(), run.err());
    long packetsUp = 0;
    long bytesDown = 0;
    for (String line : run.out().lines().toList()) {
      JsonNode record = new ObjectMapper().readTree(line);
      packetsUp += record.get("packets_up").asLong();
      bytesDown += record.get("bytes_down").asLong();
    }
    assertEquals(15, packetsUp);
    assertEquals(3798, bytesDown);
  }

  @Test
  void badDurationNamesTheOption() {
    Run run = agentwatch("flows", "--read", CORPUS.resolve("flowtest/pcap/tls12.pcap").toString(), "--idle-timeout", "soon");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--idle-timeout") && run.err().contains("'soon' is not a duration"), run.err());
    assertNoStackTrace(run);
  }

  @Test
  void statisticsGoToStderrAndProgressStaysQuietWhenNotATerminal() {
    Run run = agentwatch("flows", "--read", CORPUS.resolve("flowtest/pcap/tls12.pcap").toString());
    assertTrue(run.err().startsWith("tls12.pcap: 26 packets read, 26 in flows, 0 skipped (0 malformed); 1 flows, 1 flow records, 0 evicted;"),
        run.err());
    assertTrue(run.err().contains("packets/s"), run.err());
    assertFalse(run.err().contains("\r"), "no progress line when stderr is not a terminal");
  }

  @Test
  void unknownInterfaceIsNamed() {
    Run run = agentwatch("flows", "--interface", "no-such-if0");
    assertNotEquals(0, run.exitCode());
    assertTrue(run.err().contains("no-such-if0: cannot capture on this interface"), run.err());
    assertNoStackTrace(run);
  }

  @Test
  void readAndInterfaceAreExclusive() {
    Run run = agentwatch("flows", "--interface", "lo", "--read", "x.pcap");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("mutually exclusive"), run.err());
  }

  @Test
  void helpListsTheSubcommands() {
    Run run = agentwatch("--help");
    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("flows") && run.out().contains("up"), run.out());
  }

  private static void assertNoStackTrace(Run run) {
    assertFalse(run.err().contains("\tat ") || run.err().contains("Exception:"), "no stack trace:\n" + run.err());
  }
}
