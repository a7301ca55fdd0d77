package io.agentwatch.jobs.source;

import java.time.Duration;
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

  /** An entry's last sequence and the event time (last_seen, ms) of the record that set it. */
  record Entry(long sequence, long eventMillis) {}

  /**
   * Entries whose host sent nothing for this long in event time (against the newest record seen)
   * are forgotten at the next checkpoint: in network mode hosts without an inventory entry are
   * addresses, and the state must not grow with every address ever seen. A sensor that re-sends
   * records older than this gets its copies kept, as before this filter existed.
   */
  static final Duration RETENTION = Duration.ofDays(30);

  /** What is known of one sensor and host; updated in place, so a record allocates nothing. */
  private static final class Last {
    long sequence;
    long eventMillis;

    Last(long sequence, long eventMillis) {
      this.sequence = sequence;
      this.eventMillis = eventMillis;
    }
  }

  /** Sensor → host → last sequence and its event time. */
  private final Map<String, Map<String, Last>> lastSequence = new HashMap<>();
  private long newestEventMillis = Long.MIN_VALUE;

  /** True to keep the record; false when it is a copy of one already seen. */
  boolean keep(String sensorId, String host, long sequence, long eventMillis, boolean resent) {
    newestEventMillis = Math.max(newestEventMillis, eventMillis);
    Map<String, Last> hosts = lastSequence.computeIfAbsent(sensorId, s -> new HashMap<>());
    Last last = hosts.get(host);
    if (last == null) {
      hosts.put(host, new Last(sequence, eventMillis));
      return true;
    }
    if (resent && sequence <= last.sequence) {
      return false;
    }
    last.sequence = sequence;
    last.eventMillis = Math.max(last.eventMillis, eventMillis);
    return true;
  }

  /** Forgets entries older than {@link #RETENTION}, then returns the state to checkpoint: "sensor\0host" → entry. */
  Map<String, Entry> snapshot() {
    long oldest = newestEventMillis - RETENTION.toMillis();
    lastSequence.values().forEach(hosts -> hosts.values().removeIf(last -> last.eventMillis < oldest));
    lastSequence.values().removeIf(Map::isEmpty);
    Map<String, Entry> entries = new HashMap<>();
    lastSequence.forEach((sensor, hosts) -> hosts.forEach((host, last) ->
        entries.put(key(sensor, host), new Entry(last.sequence, last.eventMillis))));
    return entries;
  }

  /**
   * Adds a checkpointed entry. After a rescale a host's entries may come from several subtasks'
   * checkpoints (union state); the newest one wins.
   */
  void restore(String key, Entry entry) {
    int separator = key.indexOf('\0');
    Last last = lastSequence.computeIfAbsent(key.substring(0, separator), s -> new HashMap<>())
        .computeIfAbsent(key.substring(separator + 1), h -> new Last(entry.sequence(), entry.eventMillis()));
    if (entry.eventMillis() > last.eventMillis || entry.eventMillis() == last.eventMillis && entry.sequence() > last.sequence) {
      last.sequence = entry.sequence();
      last.eventMillis = entry.eventMillis();
    }
    newestEventMillis = Math.max(newestEventMillis, entry.eventMillis());
  }

  int size() {
    return lastSequence.values().stream().mapToInt(Map::size).sum();
  }

  static String key(String sensorId, String host) {
    return sensorId + '\0' + host;
  }
}
