package io.agentwatch.jobs.aggregate;

import io.agentwatch.jobs.window.LargestUploads;
import java.util.Arrays;

/**
 * Running totals of one window (the key says whose), summed from the flow records' parts in it
 * ({@link SpreadOverWindows}): sums, the distinct destinations, and the few largest uploads by flow key. In state through {@link WindowTotalsSerializer} (no Kryo, no
 * character-at-a-time POJO text).
 */
public final class WindowTotals extends LargestUploads {

  public long bytesUp;
  public long bytesDown;
  public long packetsUp;
  public long packetsDown;
  public long flows;
  public long maxUpload;
  /** Sorted, distinct dst_ip texts: a window of one host and service has a handful. */
  public String[] destinations = new String[0];

  void add(FlowPart part) {
    bytesUp += part.bytesUp;
    bytesDown += part.bytesDown;
    packetsUp += part.packetsUp;
    packetsDown += part.packetsDown;
    flows += part.flows;
    maxUpload = Math.max(maxUpload, part.bytesUp);
    addDestination(part.dstIp);
    offerTop(part.flowKey, part.bytesUp);
  }

  void addAll(WindowTotals other) {
    bytesUp += other.bytesUp;
    bytesDown += other.bytesDown;
    packetsUp += other.packetsUp;
    packetsDown += other.packetsDown;
    flows += other.flows;
    maxUpload = Math.max(maxUpload, other.maxUpload);
    for (String d : other.destinations) {
      addDestination(d);
    }
    for (int i = 0; i < other.topKeys.length; i++) {
      offerTop(other.topKeys[i], other.topBytes[i]);
    }
  }

  private void addDestination(String destination) {
    int at = Arrays.binarySearch(destinations, destination);
    if (at < 0) {
      int insert = -at - 1;
      String[] grown = new String[destinations.length + 1];
      System.arraycopy(destinations, 0, grown, 0, insert);
      grown[insert] = destination;
      System.arraycopy(destinations, insert, grown, insert + 1, destinations.length - insert);
      destinations = grown;
    }
  }
}
