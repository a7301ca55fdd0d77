package io.agentwatch.jobs.aggregate;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Sums one host's traffic to one vendor's service over a window, one flow record's part at a time. */
public final class HostVendorAccumulator implements AggregateFunction<FlowPart, WindowTotals, WindowTotals> {

  @Override
  public WindowTotals createAccumulator() {
    return new WindowTotals();
  }

  @Override
  public WindowTotals add(FlowPart part, WindowTotals totals) {
    if (part.combined != null) {
      totals.addAll(part.combined);
    } else {
      totals.add(part);
    }
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
