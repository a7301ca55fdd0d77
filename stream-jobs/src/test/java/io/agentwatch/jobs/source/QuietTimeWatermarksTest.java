package io.agentwatch.jobs.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class QuietTimeWatermarksTest {

  private static final long MINUTE = 60_000;

  /** What the generator said last: Flink's watermark output reduced to its two signals. */
  private static final class LastSignal implements WatermarkOutput {
    long watermark = Long.MIN_VALUE;
    boolean idle;

    @Override
    public void emitWatermark(Watermark watermark) {
      this.watermark = watermark.getTimestamp();
      idle = false;
    }

    @Override
    public void markIdle() {
      idle = true;
    }

    @Override
    public void markActive() {
      idle = false;
    }
  }

  private final AtomicLong wall = new AtomicLong(Instant.parse("2026-12-06T14:00:00Z").toEpochMilli());
  private final QuietTimeWatermarks<Long> generator =
      new QuietTimeWatermarks<>(Duration.ofSeconds(30), Duration.ofMinutes(1), wall::get);
  private final LastSignal output = new LastSignal();

  private void after(long millis) {
    wall.addAndGet(millis);
    generator.onPeriodicEmit(output);
  }

  @Test
  void whileRecordsComeEventTimeTrailsTheNewestByTheOutOfOrderness() {
    long t = wall.get();
    generator.onEvent(0L, t - 5_000, output);
    after(1_000);
    assertEquals(t - 5_000 - 30_000 - 1, output.watermark);
    generator.onEvent(0L, t - 90_000, output); // an older record does not move it back
    after(1_000);
    assertEquals(t - 5_000 - 30_000 - 1, output.watermark);
  }

  @Test
  void aQuietPartitionFollowsTheWallClockSoTheLastMinuteCloses() {
    long minuteStart = wall.get();
    generator.onEvent(0L, minuteStart + 10_000, output); // one flow at 14:00:10, then silence
    after(59_000);
    assertTrue(output.watermark < minuteStart + MINUTE - 1, "not quiet long enough yet");
    // The window [14:00, 14:01) fires when the watermark reaches 14:00:59.999: at the latest
    // idleness (1 min) after the minute's end.
    wall.set(minuteStart + MINUTE + MINUTE);
    generator.onPeriodicEmit(output);
    assertTrue(output.watermark >= minuteStart + MINUTE - 1, "closed within idleness of the minute's end");
    after(MINUTE);
    assertEquals(wall.get() - MINUTE, output.watermark, "keeps following the wall clock");
  }

  @Test
  void aPartitionThatNeverHadARecordIsIdleAndWatermarksNeverGoBack() {
    after(59_000);
    assertFalse(output.idle);
    after(1_000);
    assertTrue(output.idle, "idle after the idleness without any record");

    generator.onEvent(0L, wall.get() + 10 * MINUTE, output); // a sensor clock ahead of ours
    after(1_000);
    long ahead = output.watermark;
    after(5 * MINUTE);
    assertEquals(ahead, output.watermark, "the wall clock never pulls event time back");
  }
}
