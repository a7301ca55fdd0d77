package io.agentwatch.capture.testing;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.source.CaptureException;
import io.agentwatch.capture.source.DirectFileSource;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.Transport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a sensor over a capture file and offers the records, summed per flow. */
public final class SensorRun {

  public final List<FlowRecord> records;
  public final SensorStats stats;

  private SensorRun(List<FlowRecord> records, SensorStats stats) {
    this.records = records;
    this.stats = stats;
  }

  public static SensorRun of(Path capture) throws CaptureException {
    return of(capture, SensorConfig.defaults("test-sensor"));
  }

  public static SensorRun of(Path capture, SensorConfig config) throws CaptureException {
    InMemoryFlowSink sink = new InMemoryFlowSink();
    Sensor sensor = new Sensor(config, sink);
    try (DirectFileSource source = DirectFileSource.open(capture)) {
      SensorStats stats = sensor.run(source);
      return new SensorRun(sink.records(), stats);
    }
  }

  /** Sum over all records of the flow initiated by src:srcPort towards dst:dstPort. */
  public FlowTotals flow(Transport transport, String src, int srcPort, String dst, int dstPort) {
    List<FlowRecord> matching = new ArrayList<>();
    for (FlowRecord record : records) {
      if (record.getTransport() == transport
          && record.getSrcIp().equals(src) && record.getSrcPort() == srcPort
          && record.getDstIp().equals(dst) && record.getDstPort() == dstPort) {
        matching.add(record);
      }
    }
    if (matching.isEmpty()) {
      throw new AssertionError("no flow " + src + ":" + srcPort + " -> " + dst + ":" + dstPort + " among " + describe());
    }
    return FlowTotals.of(matching);
  }

  public FlowTotals tcp(String src, int srcPort, String dst, int dstPort) {
    return flow(Transport.TCP, src, srcPort, dst, dstPort);
  }

  private String describe() {
    StringBuilder text = new StringBuilder();
    for (FlowRecord record : records) {
      text.append("\n  ").append(record.getSrcIp()).append(':').append(record.getSrcPort()).append(" -> ")
          .append(record.getDstIp()).append(':').append(record.getDstPort()).append(' ').append(record.getTransport());
    }
    return text.toString();
  }

  /** Totals of one flow over its records. */
  public record FlowTotals(
      long packetsUp, long packetsDown, long bytesUp, long bytesDown, String sni, String alpn, List<FlowRecord> records) {

    static FlowTotals of(List<FlowRecord> records) {
      long packetsUp = 0;
      long packetsDown = 0;
      long bytesUp = 0;
      long bytesDown = 0;
      String sni = null;
      String alpn = null;
      for (FlowRecord record : records) {
        packetsUp += record.getPacketsUp();
        packetsDown += record.getPacketsDown();
        bytesUp += record.getBytesUp();
        bytesDown += record.getBytesDown();
        sni = record.getSni() != null ? record.getSni() : sni;
        alpn = record.getAlpn() != null ? record.getAlpn() : alpn;
      }
      return new FlowTotals(packetsUp, packetsDown, bytesUp, bytesDown, sni, alpn, List.copyOf(records));
    }

    /** "15/3218 <-> 11/3798", the way the corpus README writes counts. */
    public String counts() {
      return packetsUp + "/" + bytesUp + " <-> " + packetsDown + "/" + bytesDown;
    }
  }
}
