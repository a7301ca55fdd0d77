package io.agentwatch.capture.flow;

import io.agentwatch.capture.decode.DecodedPacket;
import io.agentwatch.schema.EndReason;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Bidirectional flows keyed by {@link FlowKey}. A packet of a known flow is looked up with a reused
 * probe key and allocates nothing.
 *
 * <p>When records are emitted:
 *
 * <ul>
 *   <li>RST, or FIN from both sides: the flow is closing; packets within {@code closeGrace} (the
 *       final ACK) still count, then the record is emitted with reason RST or FIN. A new SYN on the
 *       same tuple ends the closing flow at once and starts a new one.
 *   <li>idle: no packet for the transport's idle timeout (checked when the next packet of the flow
 *       arrives, and by a sweep at most once per {@code sweepInterval} of capture time that walks
 *       the flows from the least recently seen and stops at the first that is not idle);
 *   <li>active timeout: when a packet arrives for a flow whose current record started more than
 *       {@code activeTimeout} ago, the record so far is emitted and the flow goes on;
 *   <li>the table is full: the least recently seen flow is evicted;
 *   <li>{@link #flushAll()} at the end of a capture: END_OF_CAPTURE (FIN/RST for closing flows).
 * </ul>
 */
public final class FlowTable {

  private final FlowRecordListener listener;
  private final long tcpIdleNanos;
  private final long udpIdleNanos;
  private final long shortestIdleNanos;
  private final long activeNanos;
  private final long closeGraceNanos;
  private final long sweepIntervalNanos;
  private final int maxFlows;

  // Access order: iteration starts at the least recently seen flow.
  private final LinkedHashMap<FlowKey, Flow> flows = new LinkedHashMap<>(1024, 0.75f, true);
  // Closing flows in the order they started closing, which is also deadline order.
  private final ArrayDeque<Flow> closingFlows = new ArrayDeque<>();
  private final FlowKey probe = new FlowKey();
  private final InitiatorStream.Recycler initiatorStreams = new InitiatorStream.Recycler();
  private long nextSweepNanos = Long.MIN_VALUE;
  private long flowsCreated;
  private long flowsEvicted;

  public FlowTable(FlowTableConfig config, FlowRecordListener listener) {
    config.validate();
    this.listener = listener;
    this.tcpIdleNanos = config.tcpIdleTimeout().toNanos();
    this.udpIdleNanos = config.udpIdleTimeout().toNanos();
    this.shortestIdleNanos = Math.min(tcpIdleNanos, udpIdleNanos);
    this.activeNanos = config.activeTimeout().toNanos();
    this.closeGraceNanos = config.closeGrace().toNanos();
    this.sweepIntervalNanos = config.sweepInterval().toNanos();
    this.maxFlows = config.maxFlows();
  }

  /** Counts a packet in its flow, creating the flow if needed, and returns that flow. */
  public Flow update(DecodedPacket packet) {
    long now = packet.timestampNanos();
    if (now >= nextSweepNanos) {
      sweep(now);
    }
    boolean fromA = probe.setFrom(packet);
    Flow flow = flows.get(probe);
    if (flow != null) {
      flow = endIfOver(flow, packet, now);
    }
    if (flow == null) {
      flow = create(packet, fromA);
    }
    flow.count(packet, fromA);
    if (packet.isTcp() && !flow.closing()) {
      if (packet.hasTcpFlag(DecodedPacket.TCP_RST)) {
        startClosing(flow, EndReason.RST, now);
      } else if (flow.bothSidesSentFin()) {
        startClosing(flow, EndReason.FIN, now);
      }
    }
    return flow;
  }

  /** Ends the flow if this packet cannot belong to it any more; returns the flow or null. */
  private Flow endIfOver(Flow flow, DecodedPacket packet, long now) {
    if (flow.closing() && packet.isTcp() && packet.hasTcpFlag(DecodedPacket.TCP_SYN) && !packet.hasTcpFlag(DecodedPacket.TCP_ACK)) {
      end(flow, flow.closingReason());
      return null;
    }
    if (now - flow.lastPacketNanos() >= idleNanos(flow)) {
      end(flow, EndReason.IDLE);
      return null;
    }
    if (now - flow.recordFirstSeenNanos() >= activeNanos) {
      listener.onFlowRecord(flow, EndReason.ACTIVE_TIMEOUT);
      flow.startNewRecord();
    }
    return flow;
  }

  private Flow create(DecodedPacket packet, boolean fromA) {
    if (flows.size() >= maxFlows) {
      Iterator<Flow> leastRecent = flows.values().iterator();
      Flow evicted = leastRecent.next();
      leastRecent.remove();
      flowsEvicted++;
      emitFinal(evicted, EndReason.EVICTED);
    }
    FlowKey key = probe.copy();
    Flow flow = new Flow(key, packet, fromA, initiatorStreams);
    flows.put(key, flow);
    flowsCreated++;
    return flow;
  }

  private void startClosing(Flow flow, EndReason reason, long now) {
    flow.startClosing(reason, now + closeGraceNanos);
    closingFlows.addLast(flow);
  }

  private long idleNanos(Flow flow) {
    return flow.key().protocol() == DecodedPacket.PROTOCOL_TCP ? tcpIdleNanos : udpIdleNanos;
  }

  /** Ends closed flows past their grace time and idle flows, as capture time reaches {@code now}. */
  public void sweep(long now) {
    nextSweepNanos = now + sweepIntervalNanos;
    while (!closingFlows.isEmpty()) {
      Flow closing = closingFlows.peekFirst();
      if (!closing.ended() && closing.closeDeadlineNanos() > now) {
        break;
      }
      closingFlows.removeFirst();
      if (!closing.ended()) {
        end(closing, closing.closingReason());
      }
    }
    Iterator<Flow> leastRecentFirst = flows.values().iterator();
    while (leastRecentFirst.hasNext()) {
      Flow flow = leastRecentFirst.next();
      long idle = now - flow.lastPacketNanos();
      if (idle < shortestIdleNanos) {
        break;
      }
      if (idle >= idleNanos(flow)) {
        leastRecentFirst.remove();
        emitFinal(flow, flow.closing() ? flow.closingReason() : EndReason.IDLE);
      }
    }
  }

  /** Emits every flow still in the table (END_OF_CAPTURE, or FIN/RST if it was closing) and empties it. */
  public void flushAll() {
    for (Flow flow : flows.values()) {
      emitFinal(flow, flow.closing() ? flow.closingReason() : EndReason.END_OF_CAPTURE);
    }
    flows.clear();
    closingFlows.clear();
  }

  private void end(Flow flow, EndReason reason) {
    flows.remove(flow.key());
    emitFinal(flow, reason);
  }

  private void emitFinal(Flow flow, EndReason reason) {
    flow.markEnded();
    listener.onFlowRecord(flow, reason);
  }

  public int size() {
    return flows.size();
  }

  public long flowsCreated() {
    return flowsCreated;
  }

  /** Flows ended (and exported) early because the table was full. */
  public long flowsEvicted() {
    return flowsEvicted;
  }
}
