package io.agentwatch.jobs.source;

import java.util.HashMap;
import java.util.Map;

/**
 * Decides which re-sent flow records are duplicates. The sensor numbers its records (sequence) and
 * keys them by host, so the records of one sensor and host reach one Kafka partition in sequence
 * order; when it sends records again after a producer failure or a restart, it marks them
 * (resent), and the partition then holds, after the originals that did arrive, the marked copies
 * and the records that had not. A marked record whose sequence is not above the last one seen
 * from its sensor and host is therefore a copy; everything else is kept. Unmarked records are never
 * dropped and set the last sequence seen even when it goes down (a sensor whose spool was deleted
 * counts from 1 again).
 */
final class ResentRecordFilter {

  /** Sensor → host → last sequence (a one-element array, updated in place: no allocation per record). */
  private final Map<String, Map<String, long[]>> lastSequence = new HashMap<>();

  /** True to keep the record; false when it is a copy of one already seen. */
  boolean keep(String sensorId, String host, long sequence, boolean resent) {
    long[] last = lastSequence.computeIfAbsent(sensorId, s -> new HashMap<>()).get(host);
    if (last == null) {
      lastSequence.get(sensorId).put(host, new long[] {sequence});
      return true;
    }
    if (resent && sequence <= last[0]) {
      return false;
    }
    last[0] = sequence;
    return true;
  }

  /** The state to checkpoint: "sensor\0host" → last sequence. */
  Map<String, Long> snapshot() {
    Map<String, Long> entries = new HashMap<>();
    lastSequence.forEach((sensor, hosts) -> hosts.forEach((host, last) -> entries.put(key(sensor, host), last[0])));
    return entries;
  }

  /**
   * Adds a checkpointed entry. After a rescale a host's entries may come from several subtasks'
   * checkpoints (union state); the highest sequence is the newest.
   */
  void restore(String key, long sequence) {
    int separator = key.indexOf('\0');
    long[] last = lastSequence.computeIfAbsent(key.substring(0, separator), s -> new HashMap<>())
        .computeIfAbsent(key.substring(separator + 1), h -> new long[] {sequence});
    last[0] = Math.max(last[0], sequence);
  }

  int size() {
    return lastSequence.values().stream().mapToInt(Map::size).sum();
  }

  static String key(String sensorId, String host) {
    return sensorId + '\0' + host;
  }
}
