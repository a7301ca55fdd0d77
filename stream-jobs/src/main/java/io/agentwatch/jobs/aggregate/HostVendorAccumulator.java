package io.agentwatch.jobs.aggregate;

import io.agentwatch.schema.FlowRecord;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Sums one host's traffic to one vendor over a window, one flow record at a time. */
public final class HostVendorAccumulator
    implements AggregateFunction<FlowRecord, HostVendorAccumulator.Totals, HostVendorAccumulator.Totals> {

  /** Running sums of a window (the key says whose); a Flink POJO so the state serializer needs no Kryo. */
  public static final class Totals {
    public long bytesUp;
    public long bytesDown;
    public long packetsUp;
    public long packetsDown;
    public long flows;
    public long maxUpload;
  }

  @Override
  public Totals createAccumulator() {
    return new Totals();
  }

  @Override
  public Totals add(FlowRecord flow, Totals totals) {
    totals.bytesUp += flow.getBytesUp();
    totals.bytesDown += flow.getBytesDown();
    totals.packetsUp += flow.getPacketsUp();
    totals.packetsDown += flow.getPacketsDown();
    totals.flows++;
    totals.maxUpload = Math.max(totals.maxUpload, flow.getBytesUp());
    return totals;
  }

  @Override
  public Totals getResult(Totals totals) {
    return totals;
  }

  @Override
  public Totals merge(Totals a, Totals b) {
    Totals sum = new Totals();
    sum.bytesUp = a.bytesUp + b.bytesUp;
    sum.bytesDown = a.bytesDown + b.bytesDown;
    sum.packetsUp = a.packetsUp + b.packetsUp;
    sum.packetsDown = a.packetsDown + b.packetsDown;
    sum.flows = a.flows + b.flows;
    sum.maxUpload = Math.max(a.maxUpload, b.maxUpload);
    return sum;
  }
}
