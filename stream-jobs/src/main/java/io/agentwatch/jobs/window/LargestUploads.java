package io.agentwatch.jobs.window;

/**
 * The few largest uploads of a window, by flow key: kept by the aggregation's per host × vendor ×
 * service totals and by the detectors' per host minutes, and quoted by alerts. Here, not in either
 * stage, so the detectors need nothing of the aggregation's internals.
 */
public abstract class LargestUploads {

  /** How many of the largest uploads a window remembers for alerts. */
  public static final int TOP = 3;

  /** Largest uploads, largest first; parallel arrays. */
  public String[] topKeys = new String[0];
  public long[] topBytes = new long[0];

  /** Keeps the {@link #TOP} largest uploads; ties keep the earlier one. Allocates only when it admits one. */
  public void offerTop(String key, long bytes) {
    int at = topKeys.length;
    while (at > 0 && topBytes[at - 1] < bytes) {
      at--;
    }
    if (at >= TOP) {
      return;
    }
    int size = Math.min(TOP, topKeys.length + 1);
    String[] keys = new String[size];
    long[] values = new long[size];
    for (int i = 0, j = 0; i < size; i++) {
      if (i == at) {
        keys[i] = key;
        values[i] = bytes;
      } else {
        keys[i] = topKeys[j];
        values[i] = topBytes[j];
        j++;
      }
    }
    topKeys = keys;
    topBytes = values;
  }
}
