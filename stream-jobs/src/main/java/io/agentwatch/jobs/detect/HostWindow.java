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
  /** Upload per vendor × service in the window; parallel arrays, one entry per vendor × service. */
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

  /**
   * Sets the upload and download of one vendor × service in this window, replacing what an earlier
   * firing of that vendor × service window said (a window fires again, with its complete totals,
   * for every part that arrives within the allowed lateness): the host's totals change by the
   * difference, so no byte is counted twice.
   */
  void setVendor(String vendor, String service, long up, long down) {
    int n = vendors.length;
    for (int i = 0; i < n; i++) {
      if (vendors[i].equals(vendor) && services[i].equals(service)) {
        bytesUp += up - vendorBytesUp[i];
        bytesDown += down - vendorBytesDown[i];
        vendorBytesUp[i] = up;
        vendorBytesDown[i] = down;
        return;
      }
    }
    vendors = java.util.Arrays.copyOf(vendors, n + 1);
    services = java.util.Arrays.copyOf(services, n + 1);
    vendorBytesUp = java.util.Arrays.copyOf(vendorBytesUp, n + 1);
    vendorBytesDown = java.util.Arrays.copyOf(vendorBytesDown, n + 1);
    vendors[n] = vendor;
    services[n] = service;
    vendorBytesUp[n] = up;
    vendorBytesDown[n] = down;
    bytesUp += up;
    bytesDown += down;
  }

  /**
   * Offers one of a vendor window's largest uploads; a flow already among the host's (from an
   * earlier firing of the same window) is replaced by its newer, larger figure, not listed twice.
   */
  void offerUpload(String flowKey, long bytes) {
    for (int i = 0; i < topKeys.length; i++) {
      if (topKeys[i].equals(flowKey)) {
        if (bytes <= topBytes[i]) {
          return;
        }
        String[] keys = new String[topKeys.length - 1];
        long[] values = new long[keys.length];
        for (int j = 0, k = 0; j < topKeys.length; j++) {
          if (j != i) {
            keys[k] = topKeys[j];
            values[k++] = topBytes[j];
          }
        }
        topKeys = keys;
        topBytes = values;
        break;
      }
    }
    offerTop(flowKey, bytes);
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
