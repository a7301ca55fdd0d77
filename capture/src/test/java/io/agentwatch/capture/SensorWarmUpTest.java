package io.agentwatch.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.schema.FlowRecord;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SensorWarmUpTest {

  @Test
  void runsIdentifiedTlsTrafficThroughTheWholePathUntilTheJitSettles() {
    InMemoryFlowSink sink = new InMemoryFlowSink();
    SensorWarmUp.Result result = SensorWarmUp.run(SensorConfig.defaults("warm-up-test"), sink, Duration.ofSeconds(60), () -> false);

    assertTrue(result.rounds() >= 3, result.toString());
    assertTrue(result.packets() >= 3 * 50_000L, "about 60 000 packets per round: " + result);
    assertEquals(result.rounds() * 2_000L, result.flowRecords(), "every synthetic session ends in one record: " + result);
    assertEquals(result.flowRecords(), sink.records().size());
    // The records went through identification as real ones do: SNI, catalog, JA4.
    Map<String, Long> byVendor = sink.records().stream().filter(r -> r.getVendor() != null)
        .collect(Collectors.groupingBy(FlowRecord::getVendor, Collectors.counting()));
    assertTrue(byVendor.keySet().containsAll(java.util.List.of("anthropic", "openai", "github-copilot")), byVendor.toString());
    assertTrue(sink.records().stream().filter(r -> r.getDstPort() == 443).allMatch(r -> r.getSni() != null && r.getJa4() != null),
        "SNI and JA4 on every TLS flow");
    // Both sides of the flow key initiate, and some TCP is not TLS: the branches real links take.
    assertTrue(sink.records().stream().anyMatch(r -> r.getSrcIp().startsWith("203.")), "clients above their servers");
    assertTrue(sink.records().stream().anyMatch(r -> r.getSrcIp().startsWith("10.")), "clients below their servers");
    assertTrue(sink.records().stream().anyMatch(r -> r.getDstPort() == 80 && r.getSni() == null), "plain TCP");
    assertTrue(result.settled(), "the JIT settles well within a minute: " + result);
  }

  @Test
  void stopsBetweenRoundsWhenCancelledOrOutOfTime() {
    InMemoryFlowSink sink = new InMemoryFlowSink();
    SensorWarmUp.Result cancelled = SensorWarmUp.run(SensorConfig.defaults("warm-up-test"), sink, Duration.ofSeconds(60), () -> true);
    assertEquals(0, cancelled.rounds());
    assertEquals(0, cancelled.packets());
    assertTrue(sink.records().isEmpty());

    SensorWarmUp.Result outOfTime = SensorWarmUp.run(SensorConfig.defaults("warm-up-test"), sink, Duration.ZERO, () -> false);
    assertEquals(0, outOfTime.rounds());
    assertTrue(outOfTime.toString().contains("stopped before the JIT had settled"), outOfTime.toString());
  }
}
