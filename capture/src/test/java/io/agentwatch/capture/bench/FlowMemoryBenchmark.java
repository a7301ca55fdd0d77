package io.agentwatch.capture.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.decode.PacketDecoder;
import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.synth.SyntheticPacket;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * Heap per active flow: N TLS flows are opened (handshake, a whole ClientHello so the SNI is
 * known, one response segment) and left open; heap used after a full GC, minus the heap before,
 * divided by N. Not a timed test: not matched by surefire's default includes, and skipped unless {@code -Dagentwatch.bench=true}; run by bench/sensor-vs-peers.sh.
 */
class FlowMemoryBenchmark {

  private static final int FLOWS = Integer.getInteger("agentwatch.benchFlows", 200_000);

  @Test
  void heapBytesPerActiveFlow() {
    assumeTrue(Boolean.getBoolean("agentwatch.bench"), "benchmark: run with -Dagentwatch.bench=true");
    InMemoryFlowSink sink = new InMemoryFlowSink();
    Sensor sensor = new Sensor(SensorConfig.defaults("bench"), sink);
    long before = usedHeapAfterGc();
    Instant start = Instant.parse("2025-06-02T09:00:00Z");
    for (int i = 0; i < FLOWS; i++) {
      TcpSession session = TcpSessionBuilder.between("10." + (i >>> 16) + "." + ((i >>> 8) & 0xff) + "." + (i & 0xff), 40000, "198.18.0.1", 443)
          .startingAt(start.plus(i, ChronoUnit.MICROS))
          .serverName("api.anthropic.com")
          .download(1200)
          .teardown(TcpSessionBuilder.Teardown.NONE)
          .seed(i)
          .build();
      for (SyntheticPacket packet : session.packets()) {
        long nanos = packet.time().getEpochSecond() * 1_000_000_000L + packet.time().getNano();
        // All flows within one second of capture time: none idles out, all stay in the table.
        sensor.onPacket(nanos, PacketDecoder.DLT_EN10MB, packet.frame(), 0, packet.frame().length);
      }
    }
    long after = usedHeapAfterGc();
    assertEquals(FLOWS, sensor.stats().flowsOpen());
    assertEquals(0, sink.records().size());
    double perFlow = (after - before) / (double) FLOWS;
    System.out.printf("heap per active flow: %.0f bytes (%d flows, %d bytes)%n", perFlow, FLOWS, after - before);
    Reference.reachabilityFence(sensor);
  }

  private static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
