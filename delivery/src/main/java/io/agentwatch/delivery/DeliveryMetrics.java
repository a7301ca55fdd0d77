package io.agentwatch.delivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counts since start, per receiver: alerts delivered, tries repeated, alerts dead-lettered, copies not resent. */
public final class DeliveryMetrics {

  /** One receiver's counts at one moment. */
  public record Counts(long delivered, long retried, long deadLettered, long duplicatesSkipped) {}

  private final Map<String, AtomicLong[]> counters = new LinkedHashMap<>();
  private final AtomicLong malformed = new AtomicLong();

  private static final int DELIVERED = 0;
  private static final int RETRIED = 1;
  private static final int DEAD_LETTERED = 2;
  private static final int DUPLICATES = 3;

  DeliveryMetrics(List<String> receivers) {
    receivers.forEach(name -> counters.put(name, new AtomicLong[] {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()}));
  }

  void delivered(String receiver) {
    counters.get(receiver)[DELIVERED].incrementAndGet();
  }

  void retried(String receiver) {
    counters.get(receiver)[RETRIED].incrementAndGet();
  }

  void deadLettered(String receiver) {
    counters.get(receiver)[DEAD_LETTERED].incrementAndGet();
  }

  void duplicateSkipped(String receiver) {
    counters.get(receiver)[DUPLICATES].incrementAndGet();
  }

  void malformed() {
    malformed.incrementAndGet();
  }

  /** Messages on the alerts topic that were not alerts this reader knows (skipped). */
  public long malformedMessages() {
    return malformed.get();
  }

  public Map<String, Counts> perReceiver() {
    Map<String, Counts> snapshot = new LinkedHashMap<>();
    counters.forEach((name, c) -> snapshot.put(name, new Counts(c[DELIVERED].get(), c[RETRIED].get(), c[DEAD_LETTERED].get(),
        c[DUPLICATES].get())));
    return snapshot;
  }
}
