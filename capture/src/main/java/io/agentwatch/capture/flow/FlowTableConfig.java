package io.agentwatch.capture.flow;

import java.time.Duration;

/**
 * Flow table settings. Timeouts are measured in capture time (packet timestamps), so replaying a
 * file gives the same records as watching the traffic live.
 *
 * @param tcpIdleTimeout a TCP flow without packets for this long ends with reason IDLE
 * @param udpIdleTimeout the same for UDP
 * @param activeTimeout a flow longer than this emits a record (ACTIVE_TIMEOUT) and goes on; 60 s by
 *     default, as flow exporters commonly use, so a long connection's bytes reach the job in the
 *     minute after they were sent (the job spreads each record over the minutes it lasted)
 * @param closeGrace after FIN from both sides or a RST, packets arriving within this time (the last
 *     ACK, a repeated RST) still count in the flow; then the record is emitted (FIN or RST)
 * @param sweepInterval how often, in capture time, the table looks for idle and closed flows
 * @param maxFlows when the table is full the least recently seen flow ends with reason EVICTED
 */
public record FlowTableConfig(
    Duration tcpIdleTimeout,
    Duration udpIdleTimeout,
    Duration activeTimeout,
    Duration closeGrace,
    Duration sweepInterval,
    int maxFlows) {

  /** The defaults of every command that runs a sensor ({@code flows.*} keys of the sensor service). */
  public static FlowTableConfig defaults() {
    return new FlowTableConfig(
        Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(1), 1_000_000);
  }

  public FlowTableConfig withIdleTimeouts(Duration tcp, Duration udp) {
    return new FlowTableConfig(tcp, udp, activeTimeout, closeGrace, sweepInterval, maxFlows);
  }

  public FlowTableConfig withActiveTimeout(Duration timeout) {
    return new FlowTableConfig(tcpIdleTimeout, udpIdleTimeout, timeout, closeGrace, sweepInterval, maxFlows);
  }

  public FlowTableConfig withMaxFlows(int max) {
    return new FlowTableConfig(tcpIdleTimeout, udpIdleTimeout, activeTimeout, closeGrace, sweepInterval, max);
  }

  /** @throws IllegalArgumentException naming the first bad setting */
  public FlowTableConfig validate() {
    requirePositive("tcpIdleTimeout", tcpIdleTimeout);
    requirePositive("udpIdleTimeout", udpIdleTimeout);
    requirePositive("activeTimeout", activeTimeout);
    requireNotNegative("closeGrace", closeGrace);
    requirePositive("sweepInterval", sweepInterval);
    if (maxFlows < 1) {
      throw new IllegalArgumentException("flow table: maxFlows must be at least 1, was " + maxFlows);
    }
    return this;
  }

  private static void requirePositive(String key, Duration value) {
    requireNotNegative(key, value);
    if (value.isZero()) {
      throw new IllegalArgumentException("flow table: " + key + " must be positive, was " + value);
    }
  }

  private static void requireNotNegative(String key, Duration value) {
    if (value == null) {
      throw new IllegalArgumentException("flow table: " + key + " is missing");
    }
    if (value.isNegative()) {
      throw new IllegalArgumentException("flow table: " + key + " must not be negative, was " + value);
    }
  }
}
