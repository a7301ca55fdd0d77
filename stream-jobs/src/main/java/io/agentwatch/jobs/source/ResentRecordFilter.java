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

  private final Map<String, Long> lastSequence = new HashMap<>();

  /** True to keep the record; false when it is a copy of one already seen. */
  boolean keep(String sensorId, String host, long sequence, boolean resent) {
    String key = key(sensorId, host);
    if (resent) {
      Long last = lastSequence.get(key);
      if (last != null && sequence <= last) {
        return false;
      }
    }
    lastSequence.put(key, sequence);
    return true;
  }

  /** The state to checkpoint: "sensor\0host" → last sequence. */
  Map<String, Long> snapshot() {
    return Map.copyOf(lastSequence);
  }

  /**
   * Adds checkpointed entries. After a rescale a host's entries may come from several subtasks'
   * checkpoints (union state); the highest sequence is the newest.
   */
  void restore(String key, long sequence) {
    lastSequence.merge(key, sequence, Math::max);
  }

  int size() {
    return lastSequence.size();
  }

  static String key(String sensorId, String host) {
    return sensorId + '\0' + host;
  }
}
