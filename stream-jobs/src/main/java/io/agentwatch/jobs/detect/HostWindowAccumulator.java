package io.agentwatch.jobs.detect;

import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.schema.FlowContribution;
import io.agentwatch.schema.HostVendorWindow;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Adds up one host's vendor × service windows of one minute into the host's window, each window's newest firing once. */
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
    // A window that fires again before the host's minute closes (a late record within the allowed
    // lateness) carries its complete totals: it replaces its earlier firing instead of adding to it.
    int earlier = host.vendorIndex(w.getVendor(), w.getService());
    if (earlier >= 0) {
      host.bytesUp -= host.vendorBytesUp[earlier];
      host.bytesDown -= host.vendorBytesDown[earlier];
      host.vendorBytesUp[earlier] = w.getBytesUp();
      host.vendorBytesDown[earlier] = w.getBytesDown();
    } else {
      host.addVendor(w.getVendor(), w.getService(), w.getBytesUp(), w.getBytesDown());
    }
    host.bytesUp += w.getBytesUp();
    host.bytesDown += w.getBytesDown();
    for (FlowContribution flow : w.getTopUploads()) {
      host.offerTop(flow.getFlowKey(), flow.getBytesUp());
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
      a.offerTop(b.topKeys[i], b.topBytes[i]);
    }
    for (int i = 0; i < b.vendors.length; i++) {
      a.addVendor(b.vendors[i], b.services[i], b.vendorBytesUp[i], b.vendorBytesDown[i]);
    }
    a.bytesUp += b.bytesUp;
    a.bytesDown += b.bytesDown;
    return a;
  }
}
