package io.agentwatch.jobs.aggregate;

import io.agentwatch.schema.FlowRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness with a watermark after every record (never going back), so what a
 * test finds late does not depend on when Flink's periodic watermark happens to run.
 */
public final class WatermarkAfterEveryRecord implements WatermarkGenerator<FlowRecord> {

  private final long behindMillis;
  private long max = Long.MIN_VALUE;

  /** Watermarks {@code behindMillis} behind the newest record's timestamp (the job's out-of-orderness). */
  public WatermarkAfterEveryRecord(long behindMillis) {
    this.behindMillis = behindMillis;
  }

  @Override
  public void onEvent(FlowRecord flow, long timestamp, WatermarkOutput output) {
    max = Math.max(max, timestamp);
    output.emitWatermark(new Watermark(max - behindMillis - 1));
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {}
}
