package io.agentwatch.capture.source;

import java.util.List;

/**
 * Settings of a live capture through libpcap.
 *
 * @param interfaces interface names (e.g. "eth0", "lo"); at least one
 * @param filter BPF filter expression, or null for every packet
 * @param snapLength bytes kept of each packet; 262144 keeps whole frames. Identification needs the
 *     ClientHello, so a short snap length loses SNI (metering stays exact: it uses the IP length)
 * @param promiscuous whether the interface also passes frames addressed to other hosts (SPAN ports)
 * @param bufferBytes kernel buffer size; bigger absorbs bursts without drops
 * @param immediate deliver each packet at once instead of in batches. Off by default: a flow meter
 *     gains nothing from sub-millisecond delivery, and a wake-up per packet lost 4 % of the packets
 *     at 25 000 packets/s and 19 % at 100 000 on this 2-core machine, where batched delivery lost
 *     none at 50 000 and 0.35 % at 100 000 (BENCHMARKS.md, Sensor, live capture)
 * @param pollMillis how long a read waits before checking whether the capture was stopped
 */
public record LiveCaptureConfig(
    List<String> interfaces, String filter, int snapLength, boolean promiscuous, int bufferBytes, boolean immediate, int pollMillis) {

  public LiveCaptureConfig {
    interfaces = interfaces == null ? null : List.copyOf(interfaces);
  }

  public static LiveCaptureConfig defaults(List<String> interfaces) {
    return new LiveCaptureConfig(interfaces, null, DirectFileSource.MAXIMUM_SNAPLEN, true, 32 << 20, false, 100);
  }

  public LiveCaptureConfig withFilter(String bpf) {
    return new LiveCaptureConfig(interfaces, bpf, snapLength, promiscuous, bufferBytes, immediate, pollMillis);
  }

  public LiveCaptureConfig withSnapLength(int bytes) {
    return new LiveCaptureConfig(interfaces, filter, bytes, promiscuous, bufferBytes, immediate, pollMillis);
  }

  public LiveCaptureConfig withPromiscuous(boolean on) {
    return new LiveCaptureConfig(interfaces, filter, snapLength, on, bufferBytes, immediate, pollMillis);
  }

  public LiveCaptureConfig withBufferBytes(int bytes) {
    return new LiveCaptureConfig(interfaces, filter, snapLength, promiscuous, bytes, immediate, pollMillis);
  }

  public LiveCaptureConfig withImmediate(boolean on) {
    return new LiveCaptureConfig(interfaces, filter, snapLength, promiscuous, bufferBytes, on, pollMillis);
  }

  /** @throws IllegalArgumentException naming the first bad setting */
  public LiveCaptureConfig validate() {
    if (interfaces == null || interfaces.isEmpty()) {
      throw new IllegalArgumentException("live capture: interfaces must name at least one interface");
    }
    for (String name : interfaces) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("live capture: interfaces contains an empty name");
      }
    }
    if (snapLength < 64 || snapLength > DirectFileSource.MAXIMUM_SNAPLEN) {
      throw new IllegalArgumentException("live capture: snapLength must be 64.." + DirectFileSource.MAXIMUM_SNAPLEN + ", was " + snapLength);
    }
    if (bufferBytes < 65536) {
      throw new IllegalArgumentException("live capture: bufferBytes must be at least 65536, was " + bufferBytes);
    }
    if (pollMillis < 1) {
      throw new IllegalArgumentException("live capture: pollMillis must be positive, was " + pollMillis);
    }
    return this;
  }
}
