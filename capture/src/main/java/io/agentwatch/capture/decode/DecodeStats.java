package io.agentwatch.capture.decode;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Counts of frames the decoder skipped, by reason. */
public final class DecodeStats {

  /** Why a frame produced no TCP/UDP packet. */
  public enum SkipReason {
    UNSUPPORTED_LINK,
    NOT_IP,
    UNSUPPORTED_TRANSPORT,
    ICMP,
    TRUNCATED,
    BAD_HEADER,
    FRAGMENT;

    /** Whether the frame was broken (cut short or inconsistent), not merely of a kind without flows. */
    public boolean malformed() {
      return this == TRUNCATED || this == BAD_HEADER;
    }

    /** The reason as shown in stats: lower case with hyphens. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final long[] counts = new long[SkipReason.values().length];
  private long decoded;

  void countSkipped(SkipReason reason) {
    counts[reason.ordinal()]++;
  }

  void countDecoded() {
    decoded++;
  }

  public long decodedPackets() {
    return decoded;
  }

  public long skipped(SkipReason reason) {
    return counts[reason.ordinal()];
  }

  public long skippedTotal() {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    return total;
  }

  /** Non-zero skip counts keyed by {@link SkipReason#label()}. */
  public Map<String, Long> skippedByReason() {
    Map<String, Long> byReason = new LinkedHashMap<>();
    for (SkipReason reason : SkipReason.values()) {
      if (counts[reason.ordinal()] > 0) {
        byReason.put(reason.label(), counts[reason.ordinal()]);
      }
    }
    return byReason;
  }

  @Override
  public String toString() {
    return "decoded=" + decoded + " skipped=" + skippedByReason();
  }
}
