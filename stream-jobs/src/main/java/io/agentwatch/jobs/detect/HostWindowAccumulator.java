package io.agentwatch.jobs.detect;

import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.schema.FlowContribution;
import io.agentwatch.schema.HostVendorWindow;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Adds up one host's vendor × service windows of one minute into the host's window. A vendor ×
 * service window that fires again (a late part within the allowed lateness) replaces its earlier
 * firing: each firing carries that window's complete totals.
 */
final class HostWindowAccumulator implements AggregateFunction<HostVendorWindow, HostWindow, HostWindow> {

  static {
    // Records with nested record types are looked up by class: trust the schema package first.
    SchemaTrust.ensure();
  }


  @Override
  public HostWindow createAccumulator() {
    return new HostWindow();
  }

  @Override
  public HostWindow add(HostVendorWindow w, HostWindow host) {
    host.host = w.getHost();
    host.windowStart = w.getWindowStart().toEpochMilli();
    host.windowEnd = w.getWindowEnd().toEpochMilli();
    host.setVendor(w.getVendor(), w.getService(), w.getBytesUp(), w.getBytesDown());
    for (FlowContribution flow : w.getTopUploads()) {
      host.offerUpload(flow.getFlowKey(), flow.getBytesUp());
    }
    return host;
  }

  @Override
  public HostWindow getResult(HostWindow host) {
    return host;
  }

  @Override
  public HostWindow merge(HostWindow a, HostWindow b) {
    for (int i = 0; i < b.topKeys.length; i++) {
      a.offerUpload(b.topKeys[i], b.topBytes[i]);
    }
    for (int i = 0; i < b.vendors.length; i++) {
      a.setVendor(b.vendors[i], b.services[i], b.vendorBytesUp[i], b.vendorBytesDown[i]);
    }
    return a;
  }
}
