package io.agentwatch.jobs.detect;

import io.agentwatch.jobs.window.LargestUploads;

/**
 * One host's traffic to all AI vendors in one window, with its largest uploads and the upload per
 * vendor × service (so an alert on the host's total can name who received the data): what the
 * host and fleet detectors look at. A Flink POJO.
 */
public final class HostWindow extends LargestUploads {
  public String host;
  public long windowStart;
  public long windowEnd;
  public long bytesUp;
  public long bytesDown;
  /** Upload per vendor × service in the window; parallel arrays, one entry per aggregated window (its newest firing). */
  public String[] vendors = new String[0];
  public String[] services = new String[0];
  public long[] vendorBytesUp = new long[0];
  public long[] vendorBytesDown = new long[0];
  /**
   * The upload above which this window is unusual for its host, set by {@link HostBaselineDetector}
   * for the detectors after it: the spike's bar from the host's own history (without the absolute
   * floor); infinite while the host warms up or when it uploads as much at this time every day.
   */
  public double hostBar;

  void addVendor(String vendor, String service, long up, long down) {
    int n = vendors.length;
    vendors = java.util.Arrays.copyOf(vendors, n + 1);
    services = java.util.Arrays.copyOf(services, n + 1);
    vendorBytesUp = java.util.Arrays.copyOf(vendorBytesUp, n + 1);
    vendorBytesDown = java.util.Arrays.copyOf(vendorBytesDown, n + 1);
    vendors[n] = vendor;
    services[n] = service;
    vendorBytesUp[n] = up;
    vendorBytesDown[n] = down;
  }

  /** Index of the vendor × service in this window; -1 when it has none yet. */
  int vendorIndex(String vendor, String service) {
    for (int i = 0; i < vendors.length; i++) {
      if (java.util.Objects.equals(vendors[i], vendor) && java.util.Objects.equals(services[i], service)) {
        return i;
      }
    }
    return -1;
  }

  /** A copy with the host's bar (the input of an operator is not changed, see the README). */
  HostWindow judged(double hostBar) {
    HostWindow copy = new HostWindow();
    copy.topKeys = topKeys;
    copy.topBytes = topBytes;
    copy.host = host;
    copy.windowStart = windowStart;
    copy.windowEnd = windowEnd;
    copy.bytesUp = bytesUp;
    copy.bytesDown = bytesDown;
    copy.vendors = vendors;
    copy.services = services;
    copy.vendorBytesUp = vendorBytesUp;
    copy.vendorBytesDown = vendorBytesDown;
    copy.hostBar = hostBar;
    return copy;
  }

  /** Index of the vendor × service that received the most; 0 when there is none. */
  int topVendor() {
    int top = 0;
    for (int i = 1; i < vendorBytesUp.length; i++) {
      if (vendorBytesUp[i] > vendorBytesUp[top]) {
        top = i;
      }
    }
    return top;
  }
}
