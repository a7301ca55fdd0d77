package io.agentwatch.jobs.aggregate;

import java.util.Objects;

/**
 * The aggregation key: one internal host and one AI vendor's service ('' when the catalog names
 * no service). A Flink POJO (public fields, no-arg constructor).
 */
public final class HostVendorKey {
  public String host;
  public String vendor;
  public String service;

  public HostVendorKey() {}

  public HostVendorKey(String host, String vendor, String service) {
    this.host = host;
    this.vendor = vendor;
    this.service = service;
  }

  public static HostVendorKey of(FlowPart part) {
    return new HostVendorKey(part.host, part.vendor, part.service);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostVendorKey k && Objects.equals(host, k.host) && Objects.equals(vendor, k.vendor)
        && Objects.equals(service, k.service);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, vendor, service);
  }

  @Override
  public String toString() {
    return host + "/" + vendor + "/" + service;
  }
}
