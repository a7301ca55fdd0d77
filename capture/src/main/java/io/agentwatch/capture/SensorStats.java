package io.agentwatch.capture;

import io.agentwatch.capture.decode.DecodeStats.SkipReason;
import io.agentwatch.capture.source.CaptureCounters;
import java.util.Map;

/**
 * What a sensor did with its input; a value, so a metrics endpoint can publish it as it is.
 *
 * @param packetsRead frames delivered by the source
 * @param packetsDecoded frames decoded into a TCP or UDP packet and counted in a flow
 * @param packetsSkippedByReason frames skipped, by reason (not-ip, icmp, truncated, bad-header,
 *     fragment, ...); truncated and bad-header are the malformed ones
 * @param flowsCreated flows opened in the flow table
 * @param recordsExported flow records handed to the sink (ended flows and periodic records)
 * @param flowsEvicted flows ended early because the table was full (exported, reason "evicted")
 * @param flowsOpen flows in the table when the stats were taken
 * @param elapsedNanos wall time the sensor has been reading, for rates
 * @param capture libpcap's received/dropped counters of a live capture, {@link CaptureCounters#NONE} for files
 */
public record SensorStats(
    long packetsRead,
    long packetsDecoded,
    Map<String, Long> packetsSkippedByReason,
    long flowsCreated,
    long recordsExported,
    long flowsEvicted,
    long flowsOpen,
    long elapsedNanos,
    CaptureCounters capture) {

  public SensorStats {
    packetsSkippedByReason = Map.copyOf(packetsSkippedByReason);
  }

  public long packetsSkipped() {
    return packetsSkippedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Frames that were cut short or had inconsistent headers. */
  public long packetsMalformed() {
    long malformed = 0;
    for (SkipReason reason : SkipReason.values()) {
      if (reason.malformed()) {
        malformed += packetsSkippedByReason.getOrDefault(reason.label(), 0L);
      }
    }
    return malformed;
  }

  /** Frames read per second of wall time (0 before the first millisecond). */
  public double packetsPerSecond() {
    return elapsedNanos < 1_000_000 ? 0 : packetsRead * 1e9 / elapsedNanos;
  }
}
