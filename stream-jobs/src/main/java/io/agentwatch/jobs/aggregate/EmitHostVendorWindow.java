package io.agentwatch.jobs.aggregate;

import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.schema.FlowContribution;
import io.agentwatch.schema.HostVendorWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Stamps a window's totals with the key and the window's bounds. Called again for every late
 * record within the allowed lateness, with the window's complete totals.
 */
final class EmitHostVendorWindow extends ProcessWindowFunction<WindowTotals, HostVendorWindow, HostVendorKey, TimeWindow> {

  static {
    // Records with nested record types are looked up by class: trust the schema package first.
    SchemaTrust.ensure();
  }


  @Override
  public void process(HostVendorKey key, Context context, Iterable<WindowTotals> totals,
      Collector<HostVendorWindow> out) {
    for (WindowTotals t : totals) {
      List<FlowContribution> top = new ArrayList<>(t.topKeys.length);
      for (int i = 0; i < t.topKeys.length; i++) {
        top.add(new FlowContribution(t.topKeys[i], t.topBytes[i]));
      }
      out.collect(HostVendorWindow.newBuilder()
          .setHost(key.host).setVendor(key.vendor).setService(key.service)
          .setWindowStart(Instant.ofEpochMilli(context.window().getStart()))
          .setWindowEnd(Instant.ofEpochMilli(context.window().getEnd()))
          .setBytesUp(t.bytesUp).setBytesDown(t.bytesDown)
          .setPacketsUp(t.packetsUp).setPacketsDown(t.packetsDown)
          .setFlows(t.flows).setMaxUpload(t.maxUpload)
          .setDistinctDestinations(t.destinations.length)
          .setTopUploads(top)
          .build());
    }
  }
}
