package io.agentwatch.capture.source;

/**
 * libpcap's own counters for a live capture (pcap_stats), summed over the interfaces.
 *
 * @param received packets the kernel passed to libpcap (after the BPF filter)
 * @param dropped packets dropped because libpcap's buffer was full: the sensor fell behind
 * @param droppedByInterface packets the interface or driver dropped, where the platform reports it
 */
public record CaptureCounters(long received, long dropped, long droppedByInterface) {

  public static final CaptureCounters NONE = new CaptureCounters(0, 0, 0);

  public CaptureCounters plus(CaptureCounters other) {
    return new CaptureCounters(received + other.received, dropped + other.dropped, droppedByInterface + other.droppedByInterface);
  }
}
