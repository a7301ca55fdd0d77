package io.agentwatch.jobs.aggregate;

import io.agentwatch.schema.FlowRecord;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Sums one host's traffic to one vendor's service over a window, one flow record at a time. */
public final class HostVendorAccumulator implements AggregateFunction<FlowRecord, WindowTotals, WindowTotals> {

  @Override
  public WindowTotals createAccumulator() {
    return new WindowTotals();
  }

  @Override
  public WindowTotals add(FlowRecord flow, WindowTotals totals) {
    totals.add(flow);
    return totals;
  }

  @Override
  public WindowTotals getResult(WindowTotals totals) {
    return totals;
  }

  @Override
  public WindowTotals merge(WindowTotals a, WindowTotals b) {
    WindowTotals sum = new WindowTotals();
    sum.addAll(a);
    sum.addAll(b);
    return sum;
  }
}
