package io.agentwatch.capture.decode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the ports of first IPv4 fragments so that later fragments of the same datagram, which
 * carry no transport header, are counted in the same flow. Bounded: the least recently used
 * datagrams are forgotten. Fragments are rare, so a key object per fragment is acceptable here.
 */
final class Ipv4FragmentPorts {

  private record DatagramKey(long src, long dst, int id, int protocol) {}

  private final Map<DatagramKey, Integer> portsByDatagram;

  Ipv4FragmentPorts(int capacity) {
    this.portsByDatagram =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<DatagramKey, Integer> eldest) {
            return size() > capacity;
          }
        };
  }

  void rememberFirstFragment(long src, long dst, int id, int protocol, int srcPort, int dstPort) {
    portsByDatagram.put(new DatagramKey(src, dst, id, protocol), (srcPort << 16) | dstPort);
  }

  /** Ports packed as {@code srcPort << 16 | dstPort}, or -1 when the first fragment was not seen. */
  int portsOf(long src, long dst, int id, int protocol) {
    Integer ports = portsByDatagram.get(new DatagramKey(src, dst, id, protocol));
    return ports == null ? -1 : ports;
  }
}
