package io.agentwatch.jobs.aggregate;

import java.time.Instant;

/**
 * The share of one flow record that fell into one window ({@link SpreadOverWindows}): what the
 * window aggregate sums, and what {@code late_flows} keeps of a part whose window had closed for
 * good. Or, when {@link #combined} is set, the sum of several records' parts of one host × vendor
 * × service × window ({@link CombineParts}): then only the key, the window and {@code combined}
 * are set; such a part is never late, so {@code late_flows} only sees single parts. Crosses the
 * keyBy through {@link FlowPartSerializer}; texts are the record's own references.
 */
public final class FlowPart {

  /** The record's origin, so a late part names the record it came from. */
  public String sensorId;
  public long sequence;
  /** The record's last_seen, microseconds since the epoch. */
  public long lastSeenMicros;

  public String host;
  public String vendor;
  /** '' when the catalog names no service. */
  public String service;
  public String dstIp;
  /** {@link FlowKeys#of}: how the largest uploads name the record's flow. */
  public String flowKey;

  /** Start of the window this part belongs to, epoch milliseconds. */
  public long windowStart;
  public long bytesUp;
  public long bytesDown;
  public long packetsUp;
  public long packetsDown;
  /** 1 in the window of the record's last_seen, 0 in the others: a record counts once. */
  public int flows;

  /** Several records' parts summed ({@link CombineParts}); null for a single record's part. */
  public WindowTotals combined;

  public FlowPart() {}

  /** An empty combined part of one key and window, for {@link CombineParts} to sum into. */
  static FlowPart combined(String host, String vendor, String service, long windowStart) {
    FlowPart part = new FlowPart();
    part.host = host;
    part.vendor = vendor;
    part.service = service;
    part.windowStart = windowStart;
    part.combined = new WindowTotals();
    return part;
  }

  public Instant lastSeen() {
    return Instant.ofEpochSecond(Math.floorDiv(lastSeenMicros, 1_000_000L),
        Math.floorMod(lastSeenMicros, 1_000_000L) * 1_000L);
  }

  @Override
  public String toString() {
    if (combined != null) {
      return host + "/" + vendor + "/" + service + " " + Instant.ofEpochMilli(windowStart) + " up=" + combined.bytesUp
          + " down=" + combined.bytesDown + " flows=" + combined.flows + " (combined)";
    }
    return host + "/" + vendor + "/" + service + " " + Instant.ofEpochMilli(windowStart) + " up=" + bytesUp
        + " down=" + bytesDown + " packets=" + packetsUp + "/" + packetsDown + " flows=" + flows
        + " (record " + sensorId + "#" + sequence + ")";
  }
}
