package io.agentwatch.capture.export;

import io.agentwatch.schema.HostTrafficMinute;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The flow records a sensor does not export (scope {@link ExportScope#AI}), summed per host and
 * minute of their last_seen until the sensor sends them. Per record it costs one small key and,
 * for the first record of a host in a minute, one sum; nothing per packet.
 *
 * <p>Not thread-safe: the sensor's thread only.
 */
public final class HostTrafficTotals {

  public static final long MINUTE_NANOS = 60_000_000_000L;

  private record Key(String host, long minuteStartNanos) {}

  private static final class Sum {
    String owner;
    String team;
    long packetsUp;
    long packetsDown;
    long bytesUp;
    long bytesDown;
    long flows;
  }

  private final Map<Key, Sum> sums = new LinkedHashMap<>();

  /** Adds one record's counts to its host's minute (the minute its {@code lastSeenNanos} falls in). */
  public void add(String host, String owner, String team, long lastSeenNanos,
      long packetsUp, long packetsDown, long bytesUp, long bytesDown) {
    Sum sum = sums.computeIfAbsent(new Key(host, minuteStart(lastSeenNanos)), key -> new Sum());
    sum.owner = owner; // the inventory may have been reloaded: the newest attribution wins
    sum.team = team;
    sum.packetsUp += packetsUp;
    sum.packetsDown += packetsDown;
    sum.bytesUp += bytesUp;
    sum.bytesDown += bytesDown;
    sum.flows++;
  }

  public boolean isEmpty() {
    return sums.isEmpty();
  }

  /**
   * Hands every host minute summed so far to {@code out}, in the order they were first added, as a
   * builder with everything but sensor id and sequence (the sensor's), and forgets them.
   */
  public void drain(Consumer<HostTrafficMinute.Builder> out) {
    for (Map.Entry<Key, Sum> entry : sums.entrySet()) {
      Sum sum = entry.getValue();
      out.accept(HostTrafficMinute.newBuilder()
          .setHost(entry.getKey().host())
          .setHostOwner(sum.owner)
          .setHostTeam(sum.team)
          .setMinuteStart(Instant.ofEpochMilli(entry.getKey().minuteStartNanos() / 1_000_000L))
          .setPacketsUp(sum.packetsUp)
          .setPacketsDown(sum.packetsDown)
          .setBytesUp(sum.bytesUp)
          .setBytesDown(sum.bytesDown)
          .setFlows(sum.flows));
    }
    sums.clear();
  }

  /** The start of the UTC minute {@code epochNanos} falls in. */
  public static long minuteStart(long epochNanos) {
    return Math.floorDiv(epochNanos, MINUTE_NANOS) * MINUTE_NANOS;
  }
}
