package io.agentwatch.jobs.aggregate;

import io.agentwatch.schema.FlowRecord;
import java.util.Objects;

/** The aggregation key: one internal host and one AI vendor. A Flink POJO (public fields, no-arg constructor). */
public final class HostVendorKey {
  public String host;
  public String vendor;

  public HostVendorKey() {}

  public HostVendorKey(String host, String vendor) {
    this.host = host;
    this.vendor = vendor;
  }

  public static HostVendorKey of(FlowRecord flow) {
    return new HostVendorKey(flow.getHost(), flow.getVendor());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostVendorKey k && Objects.equals(host, k.host) && Objects.equals(vendor, k.vendor);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, vendor);
  }

  @Override
  public String toString() {
    return host + "/" + vendor;
  }
}
