package io.agentwatch.jobs.detect;

/**
 * Exponentially weighted mean and variance of one host's upload per active window (a Flink POJO
 * kept in keyed state). Early on the weight is 1/n, so the first windows give a plain average
 * instead of a mean dragged toward the very first value.
 */
public final class Baseline {
  public long count;
  public double mean;
  public double variance;
  /**
   * Leaky count of elevated active windows (up one for a window above {@code detect.new-normal-factor}
   * × the host's median, down one for any other, never below 0): at {@code detect.new-normal-windows}
   * the host's level has stayed up long enough to be its new normal. Leaky rather than consecutive,
   * because a host whose level rose still has ordinary minutes between its anomalous ones.
   */
  public int elevatedRun;
  /**
   * The host's last judged window, learned (by the EWMA and the history) only when its next one is
   * judged: until then a late part may still make it anomalous (part of a streak, a spike).
   */
  public boolean pendingLearn;
  public long pendingBytes;
  public long pendingStart;

  public void update(double value, double alpha) {
    count++;
    double weight = Math.max(alpha, 1.0 / count);
    double diff = value - mean;
    double increment = weight * diff;
    mean += increment;
    variance = (1 - weight) * (variance + diff * increment);
  }

  /** Standard deviation, but at least {@code floorFraction} of the mean. */
  public double std(double floorFraction) {
    return Math.max(Math.sqrt(variance), floorFraction * mean);
  }

  /** How many (floored) standard deviations {@code value} lies above the mean. */
  public double score(double value, double floorFraction) {
    double std = std(floorFraction);
    return std == 0 ? (value > mean ? Double.MAX_VALUE : 0) : (value - mean) / std;
  }
}
