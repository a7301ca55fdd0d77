package io.agentwatch.jobs.detect;

/**
 * One host's traffic to all AI vendors in one window, with its largest uploads: what the host
 * and fleet detectors look at. A Flink POJO.
 */
public final class HostWindow {
  public String host;
  public long windowStart;
  public long windowEnd;
  public long bytesUp;
  public long bytesDown;
  public String[] topKeys = new String[0];
  public long[] topBytes = new long[0];
}
