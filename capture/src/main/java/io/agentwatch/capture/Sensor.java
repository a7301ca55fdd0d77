package io.agentwatch.capture;

import io.agentwatch.capture.decode.DecodedPacket;
import io.agentwatch.capture.decode.PacketDecoder;
import io.agentwatch.capture.export.ExportScope;
import io.agentwatch.capture.export.FlowSink;
import io.agentwatch.capture.export.HostTrafficTotals;
import io.agentwatch.capture.flow.Flow;
import io.agentwatch.capture.flow.FlowTable;
import io.agentwatch.capture.host.HostAttribution;
import io.agentwatch.capture.identify.Identifier;
import io.agentwatch.capture.source.CaptureCounters;
import io.agentwatch.capture.source.CaptureException;
import io.agentwatch.capture.source.PacketHandler;
import io.agentwatch.capture.source.PacketSource;
import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.FlowRecord;
import java.time.Instant;

/**
 * The sensor pipeline, in the order a packet walks it: source, decode, flow table, identification,
 * and a {@link FlowSink} for the finished records. One sensor runs on one thread.
 *
 * <p>With export scope {@link ExportScope#AI} only records of flows identified as a catalogued
 * vendor reach the sink; the others are summed per host and minute of their last_seen
 * ({@link HostTrafficTotals}) and handed over as {@code HostTrafficMinute}s whenever the capture
 * clock passes a minute boundary, and at the end. Both kinds take their sequence numbers from
 * one counter, so the spool and the downstream loss check see one numbering per sensor.
 */
public final class Sensor {

  private final String sensorId;
  private final FlowSink sink;
  private final PacketDecoder decoder = new PacketDecoder();
  private final DecodedPacket packet = new DecodedPacket();
  private final FlowTable flowTable;
  private final Identifier identifier;
  private final HostAttribution hosts;
  private final long sequenceBefore;
  private final ExportScope scope;
  private final HostTrafficTotals hostTraffic = new HostTrafficTotals();
  /** When the capture clock reaches this, the summed host minutes are sent (never with scope all). */
  private long nextMinuteNanos;
  private long hostTrafficSent;
  private long packetsRead;
  private long sequence;
  private long startedNanos = System.nanoTime();
  private long stoppedNanos;
  private CaptureCounters captureCounters = CaptureCounters.NONE;

  public Sensor(SensorConfig config, FlowSink sink) {
    config.validate();
    this.sensorId = config.sensorId();
    this.sink = sink;
    this.flowTable = new FlowTable(config.flowTable(), this::export);
    this.identifier = new Identifier(config.catalog());
    this.hosts = config.hosts();
    this.sequenceBefore = config.lastSequence();
    this.sequence = config.lastSequence();
    this.scope = config.scope();
    this.nextMinuteNanos = scope == ExportScope.AI ? Long.MIN_VALUE : Long.MAX_VALUE;
  }

  /**
   * Reads the source to its end, then flushes every flow still open into the sink (END_OF_CAPTURE)
   * and flushes the sink. If the source fails, the flows seen so far are flushed the same way
   * before the exception propagates.
   */
  public SensorStats run(PacketSource source) throws CaptureException {
    startedNanos = System.nanoTime();
    try {
      source.run(new PacketHandler() {
        @Override
        public void onPacket(long timestampNanos, int linkType, byte[] data, int offset, int length) {
          Sensor.this.onPacket(timestampNanos, linkType, data, offset, length);
        }

        @Override
        public void onClock(long nowNanos) {
          if (nowNanos >= nextMinuteNanos) {
            minutePassed(nowNanos);
          }
          flowTable.sweep(nowNanos);
          sink.tick();
        }
      });
    } finally {
      source.counters().ifPresent(counters -> captureCounters = counters);
      finish();
    }
    return stats();
  }

  /** Ends every open flow with END_OF_CAPTURE, sends the host minutes summed so far and flushes the sink. */
  public void finish() {
    flowTable.flushAll();
    sendHostTraffic();
    sink.flush();
    stoppedNanos = System.nanoTime();
  }

  /** One captured frame; public so a live source can drive the sensor directly. */
  public void onPacket(long timestampNanos, int linkType, byte[] data, int offset, int length) {
    packetsRead++;
    if (timestampNanos >= nextMinuteNanos) {
      minutePassed(timestampNanos);
    }
    if (!decoder.decode(timestampNanos, linkType, data, offset, length, packet)) {
      return;
    }
    Flow flow = flowTable.update(packet);
    identifier.onPacket(flow, packet);
  }

  private void export(Flow flow, EndReason reason) {
    FlowRecord.Builder record =
        FlowRecord.newBuilder()
            .setSensorId(sensorId)
            .setSequence(sequence + 1) // its number if it leaves the sensor; taken only then
            .setSrcPort(flow.initiatorPort())
            .setDstIp(flow.responderAddress())
            .setDstPort(flow.responderPort())
            .setTransport(flow.transport())
            .setFirstSeen(instant(flow.recordFirstSeenNanos()))
            .setLastSeen(instant(flow.recordLastSeenNanos()))
            .setPacketsUp(flow.packetsUp())
            .setPacketsDown(flow.packetsDown())
            .setBytesUp(flow.bytesUp())
            .setBytesDown(flow.bytesDown())
            .setEndReason(reason);
    identifier.describe(flow, record);
    hosts.describe(flow, record); // after identification: it may withdraw the community_id
    if (scope == ExportScope.AI && record.getVendor() == null) {
      hostTraffic.add(record.getHost(), record.getHostOwner(), record.getHostTeam(), flow.recordLastSeenNanos(),
          flow.packetsUp(), flow.packetsDown(), flow.bytesUp(), flow.bytesDown());
      return;
    }
    sequence++;
    sink.accept(record.build());
  }

  /** The capture clock entered a new minute: what was summed so far goes out (scope ai only). */
  private void minutePassed(long nowNanos) {
    sendHostTraffic();
    nextMinuteNanos = HostTrafficTotals.minuteStart(nowNanos) + HostTrafficTotals.MINUTE_NANOS;
  }

  private void sendHostTraffic() {
    if (!hostTraffic.isEmpty()) {
      hostTraffic.drain(minute -> {
        sink.acceptHostTraffic(minute.setSensorId(sensorId).setSequence(++sequence).build());
        hostTrafficSent++;
      });
    }
  }

  /** Records carry microseconds (Avro timestamp-micros); the rest is cut, not rounded. */
  private static Instant instant(long epochNanos) {
    long micros = Math.floorDiv(epochNanos, 1000L);
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  /** {@code HostTrafficMinute}s handed to the sink so far (scope ai). */
  public long hostTrafficSent() {
    return hostTrafficSent;
  }

  /**
   * The sequence number of the last record handed to the sink (the configured last sequence before
   * the first): a service keeps it after {@link #run} so that its next run continues the numbering.
   * From another thread while the sensor runs the value may lag.
   */
  public long lastSequence() {
    return sequence;
  }

  /** The counters so far; safe to call from another thread for progress (values may lag). */
  public SensorStats stats() {
    long elapsed = (stoppedNanos != 0 ? stoppedNanos : System.nanoTime()) - startedNanos;
    return new SensorStats(
        packetsRead,
        decoder.stats().decodedPackets(),
        decoder.stats().skippedByReason(),
        flowTable.flowsCreated(),
        sequence - sequenceBefore - hostTrafficSent,
        flowTable.flowsEvicted(),
        flowTable.size(),
        elapsed,
        captureCounters);
  }
}
