package io.agentwatch.capture.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The flows nDPI publishes for a corpus capture ({@code ndpi/result/CAPTURE.out}, ndpiReader's
 * output), one per flow line, detected or not:
 *
 * <pre>
 * 	1	TCP 192.168.2.16:32996 &lt;-&gt; 216.239.38.120:443 [proto: 91.126/TLS.Google]...[17 pkts/1949 bytes &lt;-&gt; 15 pkts/11826 bytes]...
 * 	1	TCP [3400:...]:44288 -&gt; [302e::3d00::8001]:0 [proto: 0/Unknown]...[1 pkts/197 bytes -&gt; 0 pkts/0 bytes]...
 * </pre>
 *
 * A is the endpoint nDPI took as client, not necessarily the sender of the first packet; bytes are
 * L2 frame bytes (the sum of caplen, link header included). Addresses are as nDPI prints them
 * (IPv6 without brackets, not always in RFC 5952 form: compare them parsed).
 */
public final class NdpiResults {

  private static final String ENDPOINT = "(\\[[^\\]]+\\]|[0-9.]+):(\\d+)";
  private static final Pattern FLOW = Pattern.compile(
      "^\\s*(\\d+)\\s+(\\S+) " + ENDPOINT + " (<->|->) " + ENDPOINT + " \\[proto: ([^\\]]+)\\]");
  private static final Pattern COUNTS = Pattern.compile("\\[(\\d+) pkts/(\\d+) bytes (?:<->|->) (\\d+) pkts/(\\d+) bytes\\]");
  private static final Pattern HOSTNAME = Pattern.compile("\\[Hostname/SNI: ([^\\]]+)\\]");
  private static final Pattern JA4 = Pattern.compile("\\[JA4: ([^\\]]+)\\]");

  private NdpiResults() {}

  /**
   * One flow line.
   *
   * @param transport as nDPI writes it: TCP, UDP, ICMP, ICMPV6, IGMP, ...
   * @param bidirectional "&lt;-&gt;" (both sides sent) rather than "-&gt;"
   * @param protocol the {@code [proto: ...]} value, e.g. "91.126/TLS.Google"
   * @param bytesAToB L2 bytes (caplen sums), as all byte counts here
   * @param hostname the {@code Hostname/SNI} field: the TLS/QUIC SNI, but also the DNS query name
   *     and the HTTP Host (corpus README, remark 7); null if absent
   * @param ja4 null if absent
   */
  public record Flow(
      int number, String transport, String a, int aPort, String b, int bPort, boolean bidirectional, String protocol,
      long packetsAToB, long bytesAToB, long packetsBToA, long bytesBToA, String hostname, String ja4, String line) {

    public boolean tcpOrUdp() {
      return transport.equals("TCP") || transport.equals("UDP");
    }

    @Override
    public String toString() {
      return "#" + number + " " + transport + " " + a + ":" + aPort + (bidirectional ? " <-> " : " -> ") + b + ":" + bPort
          + " [" + packetsAToB + " pkts/" + bytesAToB + " bytes <-> " + packetsBToA + " pkts/" + bytesBToA + " bytes]";
    }
  }

  /** The flows of {@code ndpi/result/CAPTURE.out} in the corpus. */
  public static List<Flow> of(String capture) throws IOException {
    return read(Corpus.file("ndpi/result/" + capture + ".out"));
  }

  public static List<Flow> read(Path outFile) throws IOException {
    List<Flow> flows = new ArrayList<>();
    for (String line : Files.readAllLines(outFile)) {
      Matcher flow = FLOW.matcher(line);
      if (!flow.find()) {
        continue;
      }
      Matcher counts = COUNTS.matcher(line);
      if (!counts.find(flow.end())) {
        throw new IllegalArgumentException(outFile + ": flow line without packet/byte counts: " + line);
      }
      Matcher hostname = HOSTNAME.matcher(line);
      Matcher ja4 = JA4.matcher(line);
      flows.add(new Flow(
          Integer.parseInt(flow.group(1)), flow.group(2),
          unbracket(flow.group(3)), Integer.parseInt(flow.group(4)),
          unbracket(flow.group(6)), Integer.parseInt(flow.group(7)),
          flow.group(5).equals("<->"), flow.group(8),
          Long.parseLong(counts.group(1)), Long.parseLong(counts.group(2)),
          Long.parseLong(counts.group(3)), Long.parseLong(counts.group(4)),
          hostname.find() ? hostname.group(1) : null,
          ja4.find() ? ja4.group(1) : null,
          line));
    }
    return flows;
  }

  private static String unbracket(String address) {
    return address.startsWith("[") ? address.substring(1, address.length() - 1) : address;
  }
}
