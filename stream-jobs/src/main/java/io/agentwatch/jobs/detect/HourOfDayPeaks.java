package io.agentwatch.jobs.detect;

/**
 * A host's largest upload per window, and the largest it held for a few consecutive windows (the
 * smallest of them), in each hour of each of its last few days (UTC), anomalous windows included:
 * what tells a host's usual nightly job (the same volume at the same time every night) from a
 * one-off upload. A spike is judged against the peaks, a sustained upload against the held levels
 * (any host has a busy minute every hour; only a job holds its level for minutes). A Flink POJO
 * kept in keyed state (two longs per hour and day, and the last few windows).
 */
public final class HourOfDayPeaks {

  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;

  /** Per remembered day (slot = day number modulo the days), the peak of each hour. */
  public long[] peaks = new long[0];
  /** Likewise, the largest upload held for the last few consecutive windows. */
  public long[] held = new long[0];
  /** The day number each slot holds; a slot of an older day is stale. */
  public long[] dayOfSlot = new long[0];
  /** The upload of the last consecutive windows (a ring), how many of them there are, and where the last ended. */
  public long[] recent = new long[0];
  public int run;
  public long lastEnd = Long.MIN_VALUE;

  /** Adds the window [at, end); {@code held}: consecutive windows whose smallest upload counts. */
  public void add(long bytes, long at, long end, int days, int heldWindows) {
    ensure(days);
    long day = Math.floorDiv(at, DAY);
    int slot = (int) Math.floorMod(day, (long) days);
    if (dayOfSlot[slot] != day) {
      dayOfSlot[slot] = day;
      java.util.Arrays.fill(peaks, slot * 24, slot * 24 + 24, 0);
      java.util.Arrays.fill(held, slot * 24, slot * 24 + 24, 0);
    }
    int at24 = slot * 24 + (int) (Math.floorMod(at, DAY) / HOUR);
    peaks[at24] = Math.max(peaks[at24], bytes);
    if (recent.length != heldWindows) {
      recent = new long[heldWindows];
      run = 0;
    }
    run = at == lastEnd ? run + 1 : 1;
    lastEnd = end;
    recent[run % heldWindows] = bytes;
    if (run >= heldWindows) {
      long level = bytes;
      for (long b : recent) {
        level = Math.min(level, b);
      }
      held[at24] = Math.max(held[at24], level);
    }
  }

  /**
   * On how many of the {@code days} days before the one of {@code at} the host uploaded at least
   * {@code bytes} in a window ({@code sustained}: held it per window) within an hour of the same
   * time of day.
   */
  public int earlierDaysWithAtLeast(double bytes, long at, int days, boolean sustained) {
    long[] levels = sustained ? held : peaks;
    ensure(days);
    long day = Math.floorDiv(at, DAY);
    int hour = (int) (Math.floorMod(at, DAY) / HOUR);
    int count = 0;
    for (long d = day - days; d < day; d++) {
      int slot = (int) Math.floorMod(d, (long) days);
      if (dayOfSlot[slot] != d) {
        continue;
      }
      for (int h = Math.max(0, hour - 1); h <= Math.min(23, hour + 1); h++) {
        if (levels[slot * 24 + h] >= bytes) {
          count++;
          break;
        }
      }
    }
    return count;
  }

  private void ensure(int days) {
    if (dayOfSlot.length != days) {
      peaks = new long[days * 24];
      held = new long[days * 24];
      dayOfSlot = new long[days];
      java.util.Arrays.fill(dayOfSlot, Long.MIN_VALUE);
    }
  }
}
