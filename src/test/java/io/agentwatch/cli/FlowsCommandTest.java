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

  static final Path CORPUS = Path.of(System.getProperty("agentwatch.corpus", "../../shared/corpus"));

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
  void helpListsTheSubcommands() {
    Run run = agentwatch("--help");
    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("flows") && run.out().contains("up"), run.out());
  }

  private static void assertNoStackTrace(Run run) {
    assertFalse(run.err().contains("\tat ") || run.err().contains("Exception:"), "no stack trace:\n" + run.err());
  }
}
