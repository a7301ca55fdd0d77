package io.agentwatch.capture.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every frame of a capture as tshark (Debian package "tshark", the second implementation) dissects
 * it: captured length, L3 length and the TCP/UDP 5-tuple of the outermost IP header. Fails, never
 * skips, without tshark.
 *
 * <p>IPv4 reassembly is switched off, so each fragment is its own frame; a non-first fragment
 * carries no ports, and takes those of the first fragment with the same source, destination,
 * protocol and IP ID (a fragment seen before its first fragment keeps none: {@code transport} null).
 * IPv6 extension headers are skipped by tshark's dissection ({@code frame.protocols}).
 */
public final class TsharkFrames {

  private static final String[] FIELDS = {
      "frame.number", "frame.cap_len", "frame.protocols",
      "ip.src", "ip.dst", "ip.len", "ip.proto", "ip.id", "ip.frag_offset", "ip.flags.mf",
      "ipv6.src", "ipv6.dst", "ipv6.plen",
      "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "vlan.id"};

  private TsharkFrames() {}

  /**
   * One frame.
   *
   * @param transport "TCP" or "UDP" when the outermost IP header carries one (or is a later
   *     fragment of a datagram whose first fragment did), else null
   * @param l3Length IPv4 total length or IPv6 payload length + 40 of the outermost IP header; 0 if
   *     the frame has no IP
   * @param vlan the outer 802.1Q VLAN id, 0 if untagged
   */
  public record Frame(
      int number, long capLen, String transport, String src, int srcPort, String dst, int dstPort, int vlan, long l3Length) {}

  public static List<Frame> read(Path capture) throws IOException, InterruptedException {
    List<String[]> rows = Tshark.fields(capture, null, List.of("-n", "-o", "ip.defragment:FALSE"), FIELDS);
    Map<String, int[]> firstFragmentPorts = new HashMap<>();
    List<Frame> frames = new ArrayList<>();
    for (String[] row : rows) {
      frames.add(frame(row, firstFragmentPorts));
    }
    return frames;
  }

  private static Frame frame(String[] f, Map<String, int[]> firstFragmentPorts) {
    int number = Integer.parseInt(first(f[0]));
    long capLen = Long.parseLong(first(f[1]));
    String outerIp = outerIp(first(f[2]));
    int vlan = f[17].isEmpty() ? 0 : Integer.parseInt(first(f[17]));
    if (outerIp == null) {
      return new Frame(number, capLen, null, null, 0, null, 0, vlan, 0);
    }
    boolean v4 = outerIp.equals("ip");
    String src = first(v4 ? f[3] : f[10]);
    String dst = first(v4 ? f[4] : f[11]);
    long l3 = v4 ? Long.parseLong(first(f[5])) : Long.parseLong(first(f[12])) + 40;
    String transport = transportAfter(first(f[2]), outerIp);
    int srcPort = 0;
    int dstPort = 0;
    if ("TCP".equals(transport)) {
      srcPort = Integer.parseInt(first(f[13]));
      dstPort = Integer.parseInt(first(f[14]));
    } else if ("UDP".equals(transport)) {
      srcPort = Integer.parseInt(first(f[15]));
      dstPort = Integer.parseInt(first(f[16]));
    }
    if (v4) {
      boolean moreFragments = "1".equals(first(f[9])) || "True".equalsIgnoreCase(first(f[9]));
      boolean laterFragment = !first(f[8]).isEmpty() && Long.parseLong(first(f[8])) != 0;
      String datagram = src + ">" + dst + "/" + first(f[6]) + "/" + first(f[7]);
      if (laterFragment) {
        int[] ports = firstFragmentPorts.get(datagram);
        if (ports == null) {
          return new Frame(number, capLen, null, src, 0, dst, 0, vlan, l3);
        }
        transport = ports[0] == 6 ? "TCP" : "UDP";
        srcPort = ports[1];
        dstPort = ports[2];
      } else if (moreFragments && transport != null) {
        firstFragmentPorts.put(datagram, new int[] {transport.equals("TCP") ? 6 : 17, srcPort, dstPort});
      }
    }
    return new Frame(number, capLen, transport, src, srcPort, dst, dstPort, vlan, l3);
  }

  /** "ip" or "ipv6", whichever comes first in frame.protocols, or null. */
  private static String outerIp(String protocols) {
    for (String layer : protocols.split(":")) {
      if (layer.equals("ip") || layer.equals("ipv6")) {
        return layer;
      }
    }
    return null;
  }

  /** TCP or UDP if it is the layer right after the outer IP header (past IPv6 extension headers). */
  private static String transportAfter(String protocols, String outerIp) {
    String[] layers = protocols.split(":");
    int i = 0;
    while (i < layers.length && !layers[i].equals(outerIp)) {
      i++;
    }
    i++;
    while (i < layers.length && layers[i].startsWith("ipv6.")) {
      i++;
    }
    if (i >= layers.length) {
      return null;
    }
    return switch (layers[i]) {
      case "tcp" -> "TCP";
      case "udp" -> "UDP";
      default -> null;
    };
  }

  private static String first(String values) {
    int comma = values.indexOf(',');
    return comma < 0 ? values : values.substring(0, comma);
  }
}
