package io.agentwatch.jobs.aggregate;

import io.agentwatch.schema.HostVendorWindow;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Stamps a window's totals with the window's bounds. */
final class EmitHostVendorWindow
    extends ProcessWindowFunction<HostVendorAccumulator.Totals, HostVendorWindow, HostVendorKey, TimeWindow> {

  @Override
  public void process(HostVendorKey key, Context context, Iterable<HostVendorAccumulator.Totals> totals,
      Collector<HostVendorWindow> out) {
    for (HostVendorAccumulator.Totals t : totals) {
      out.collect(HostVendorWindow.newBuilder()
          .setHost(key.host).setVendor(key.vendor)
          .setWindowStart(java.time.Instant.ofEpochMilli(context.window().getStart()))
          .setWindowEnd(java.time.Instant.ofEpochMilli(context.window().getEnd()))
          .setBytesUp(t.bytesUp).setBytesDown(t.bytesDown)
          .setPacketsUp(t.packetsUp).setPacketsDown(t.packetsDown)
          .setFlows(t.flows).setMaxUpload(t.maxUpload)
          .build());
    }
  }
}
