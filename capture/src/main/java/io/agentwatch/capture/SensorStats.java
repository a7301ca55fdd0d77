package io.agentwatch.capture;

import java.util.Map;

/**
 * What a sensor did with its input.
 *
 * @param packetsRead frames delivered by the source
 * @param packetsDecoded frames decoded into a TCP or UDP packet and counted in a flow
 * @param packetsSkippedByReason frames skipped, by reason (not-ip, truncated, fragment, ...)
 * @param flowsCreated flows opened in the flow table
 * @param recordsExported flow records handed to the sink
 */
public record SensorStats(
    long packetsRead,
    long packetsDecoded,
    Map<String, Long> packetsSkippedByReason,
    long flowsCreated,
    long recordsExported) {

  public SensorStats {
    packetsSkippedByReason = Map.copyOf(packetsSkippedByReason);
  }

  public long packetsSkipped() {
    return packetsSkippedByReason.values().stream().mapToLong(Long::longValue).sum();
  }
}
