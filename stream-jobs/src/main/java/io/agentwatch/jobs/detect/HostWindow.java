package io.agentwatch.jobs.detect;

import io.agentwatch.jobs.window.LargestUploads;

/**
 * One host's traffic to all AI vendors in one window, with its largest uploads: what the host
 * and fleet detectors look at. A Flink POJO.
 */
public final class HostWindow extends LargestUploads {
  public String host;
  public long windowStart;
  public long windowEnd;
  public long bytesUp;
  public long bytesDown;
}
