package io.agentwatch.jobs.source;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks of one Kafka partition for a job that runs for ever. While records come, event time
 * trails the newest record by the out-of-orderness. Once the partition has been quiet for
 * {@code idleness} (wall-clock time), event time follows the wall clock, {@code idleness} behind
 * it: on a quiet network the last minutes still close, within idleness + one window of their
 * end, instead of waiting for a record that may not come for hours. A partition that never had
 * a record is idle and holds nothing back.
 *
 * <p>The price: a record that reaches a quiet partition more than idleness after its own time
 * (a sensor clock running behind, a sensor's spool delivering after an outage) is late, and counts
 * only within the job's allowed lateness (later ones go to late_flows). Sensors need synchronised
 * clocks (NTP). A bounded job (a replay) does not need this: the end of its input closes every window.
 */
public final class QuietTimeWatermarks<T> implements WatermarkGenerator<T> {

  /** Milliseconds since the epoch; the system clock, or a test's. */
  @FunctionalInterface
  public interface WallClock extends Serializable {
    long millis();
  }

  private final long outOfOrdernessMillis;
  private final long idlenessMillis;
  private final WallClock clock;
  private final long createdAt;
  private long newestEventTime = Long.MIN_VALUE;
  private long lastRecordAt;
  private long emitted = Long.MIN_VALUE;

  QuietTimeWatermarks(Duration outOfOrderness, Duration idleness, WallClock clock) {
    this.outOfOrdernessMillis = outOfOrderness.toMillis();
    this.idlenessMillis = idleness.toMillis();
    this.clock = clock;
    this.createdAt = clock.millis();
  }

  /** The strategy to put on the Kafka source (per-partition watermarks). */
  public static <T> WatermarkStrategy<T> strategy(Duration outOfOrderness, Duration idleness,
      SerializableTimestampAssigner<T> eventTime) {
    return strategy(outOfOrderness, idleness, eventTime, System::currentTimeMillis);
  }

  static <T> WatermarkStrategy<T> strategy(Duration outOfOrderness, Duration idleness,
      SerializableTimestampAssigner<T> eventTime, WallClock clock) {
    WatermarkStrategy<T> strategy = context -> new QuietTimeWatermarks<>(outOfOrderness, idleness, clock);
    return strategy.withTimestampAssigner(eventTime);
  }

  @Override
  public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
    newestEventTime = Math.max(newestEventTime, eventTimestamp);
    lastRecordAt = clock.millis();
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    long now = clock.millis();
    if (newestEventTime == Long.MIN_VALUE) {
      if (now - createdAt >= idlenessMillis) {
        output.markIdle();
      }
      return;
    }
    long watermark = newestEventTime - outOfOrdernessMillis - 1;
    if (now - lastRecordAt >= idlenessMillis) {
      watermark = Math.max(watermark, now - idlenessMillis);
    }
    if (watermark > emitted) {
      emitted = watermark;
      output.emitWatermark(new Watermark(watermark));
    }
  }
}
