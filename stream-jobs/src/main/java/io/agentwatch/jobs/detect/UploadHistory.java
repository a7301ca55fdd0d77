package io.agentwatch.jobs.detect;

/**
 * A host's upload per active window over roughly the last {@code detect.history} of event time, as
 * a histogram on a log scale (4 buckets per doubling: percentiles within 19 %), so the host's own
 * high percentile can set its alert floors. Two halves rotate: a percentile reads both, and every
 * half of the history the older one is dropped. A Flink POJO kept in keyed state (1.3 kB per host).
 */
public final class UploadHistory {

  private static final int PER_DOUBLING = 4;
  private static final int BUCKETS = 41 * PER_DOUBLING; // 1 byte .. 2 TB

  public int[] recent = new int[BUCKETS];
  public int[] older = new int[BUCKETS];
  public long recentSince = Long.MIN_VALUE;
  public long count;

  public void add(long bytes, long at, long history) {
    if (recentSince == Long.MIN_VALUE) {
      recentSince = at;
    } else if (at - recentSince >= history / 2) {
      int[] dropped = older;
      older = recent;
      java.util.Arrays.fill(dropped, 0);
      recent = dropped;
      recentSince = at;
    }
    recent[bucket(bytes)]++;
    count++;
  }

  /** The {@code q} quantile (0..1) of the remembered windows, as the upper edge of its bucket; 0 when empty. */
  public double quantile(double q) {
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      total += recent[i] + older[i];
    }
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += recent[i] + older[i];
      if (seen >= rank) {
        return Math.pow(2, (i + 1) / (double) PER_DOUBLING);
      }
    }
    return Math.pow(2, BUCKETS / (double) PER_DOUBLING);
  }

  private static int bucket(long bytes) {
    if (bytes <= 1) {
      return 0;
    }
    int b = (int) (Math.log(bytes) / Math.log(2) * PER_DOUBLING);
    return Math.min(BUCKETS - 1, b);
  }
}
