package io.agentwatch.capture.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.decode.PacketDecoder;
import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.synth.SyntheticPacket;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import io.agentwatch.schema.FlowRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The flow table hands the reassembly buffer of a flow that stopped collecting to the next flow:
 * whatever the previous flow left in it (a longer ClientHello, out-of-order segments) must never
 * show in the next flow's identification.
 */
class InitiatorStreamReuseTest {

  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  @Test
  void eachFlowIsIdentifiedFromItsOwnBytesWhenBuffersAreReused() {
    List<TcpSession> sessions = new ArrayList<>();
    String[] names = {"a-rather-long-server-name.api.anthropic.com", "x.ai", "api.openai.com", "b.co"};
    for (int i = 0; i < 40; i++) {
      sessions.add(TcpSessionBuilder.between("10.0.0." + (i % 7 + 1), 40000 + i, "160.79.104.10", 443)
          .startingAt(T0.plusSeconds(i)).serverName(names[i % names.length]).postQuantum(i % 3 == 0)
          .mss(i % 2 == 0 ? 1460 : 300).seed(i).upload(700).download(900).build());
    }
    List<FlowRecord> oneTable = run(sessions);
    assertEquals(sessions.size(), oneTable.size());
    for (int i = 0; i < sessions.size(); i++) {
      FlowRecord alone = run(List.of(sessions.get(i))).get(0);
      FlowRecord shared = oneTable.get(i);
      assertEquals(names[i % names.length], shared.getSni(), "session " + i);
      assertEquals(alone.getJa4(), shared.getJa4(), "session " + i);
      assertEquals(alone.getAlpn(), shared.getAlpn(), "session " + i);
    }
  }

  /** One sensor, the sessions one after another (each ends before the next starts). */
  private static List<FlowRecord> run(List<TcpSession> sessions) {
    InMemoryFlowSink sink = new InMemoryFlowSink();
    Sensor sensor = new Sensor(SensorConfig.defaults("reuse-test"), sink);
    for (TcpSession session : sessions) {
      for (SyntheticPacket packet : session.packets()) {
        byte[] frame = packet.frame();
        Instant time = packet.time();
        sensor.onPacket(time.getEpochSecond() * 1_000_000_000L + time.getNano(), PacketDecoder.DLT_EN10MB, frame, 0, frame.length);
      }
    }
    sensor.finish();
    return sink.records();
  }
}
