package io.agentwatch.jobs.deadletter;

import io.agentwatch.store.DeadLetter;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an operator reports a record it cannot handle: counted in its {@code deadLetters} metric
 * and logged at most once per sensor per minute (a broken sensor sending thousands of bad records
 * must not flood the log), with how many were not logged since. One per operator instance.
 */
public final class DeadLetterLog {

  /** The side output that carries dead letters from the source to the dead_letters sink. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead letters", TypeInformation.of(DeadLetter.class));

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterLog.class);
  private static final long LOG_EVERY_MILLIS = 60_000;
  // Sensor ids come from bad records too: bound what is remembered about them.
  private static final int MAX_SENSORS = 10_000;

  private final Counter count;
  /** sensor id → {time of its last log line, dead letters not logged since}. */
  private final Map<String, long[]> lastLogged = new HashMap<>();

  public DeadLetterLog(MetricGroup metrics) {
    this.count = metrics.counter("deadLetters");
  }

  public void report(DeadLetter letter) {
    count.inc();
    long[] last = lastLogged.get(letter.sensorId());
    if (last != null && letter.timeMillis() - last[0] < LOG_EVERY_MILLIS) {
      last[1]++;
      return;
    }
    if (last == null) {
      if (lastLogged.size() >= MAX_SENSORS) {
        lastLogged.clear();
      }
      last = new long[2];
      lastLogged.put(letter.sensorId(), last);
    }
    LOG.warn("dead letter ({}) from sensor '{}' sequence {} {}: {}; {} more from this sensor"
            + " in the last minute not logged, {} dead letters in all (table dead_letters)",
        letter.stage(), letter.sensorId(), letter.sequence(),
        letter.topic().isEmpty() ? "after the source" : "at " + letter.topic() + "-" + letter.partition() + " offset " + letter.offset(),
        letter.reason(), last[1], count.getCount());
    last[0] = letter.timeMillis();
    last[1] = 0;
  }
}
