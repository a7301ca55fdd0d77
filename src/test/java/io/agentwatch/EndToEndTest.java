package io.agentwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.export.KafkaExportConfig;
import io.agentwatch.capture.export.KafkaFlowExporter;
import io.agentwatch.capture.source.PcapFileSource;
import io.agentwatch.demo.DemoFleet;
import io.agentwatch.demo.DemoFleet.Totals;
import io.agentwatch.demo.DemoFleet.WindowKey;
import io.agentwatch.stack.OneMachineStack;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One capture with known truth through every real stage: libpcap reads the file, the sensor
 * builds flows and identifies vendors by SNI, a KRaft broker carries Avro records, a Flink
 * MiniCluster aggregates per host × vendor × minute, and the ClickHouse engine (chDB) stores the
 * result. What ClickHouse holds must equal what was written into the capture, to the byte.
 */
class EndToEndTest {

  @TempDir
  Path dir;

  @Test
  void clickHouseHoldsTheExactPerHostVendorMinuteSumsOfTheCapture() throws Exception {
    DemoFleet fleet = DemoFleet.generate(Instant.parse("2026-11-02T09:00:00Z"), 5, 3, 6, 42);
    Path capture = dir.resolve("fleet.pcap");
    fleet.writePcap(capture);
    Map<WindowKey, Totals> expected = fleet.expectedWindows();
    assertFleetCoversTheCases(fleet, expected);

    try (OneMachineStack stack = OneMachineStack.start(OneMachineStack.Config.embedded(dir.resolve("stack")))) {
      SensorStats sensed;
      try (PcapFileSource source = PcapFileSource.open(capture);
          KafkaFlowExporter exporter = new KafkaFlowExporter(KafkaExportConfig.of(stack.bootstrapServers()))) {
        sensed = new Sensor(SensorConfig.defaults("e2e-sensor"), exporter).run(source);
      }
      assertEquals(fleet.sessions().size(), sensed.recordsExported(), "one record per TLS session");

      stack.aggregateAvailableFlows();

      assertEquals(expected, windowsInClickHouse(stack), "per host × vendor × minute sums in host_vendor_service_1m");
      assertEquals(String.valueOf(fleet.sessions().size()),
          stack.store().query("SELECT count() FROM flows").strip(), "raw flow rows");
      assertEquals("0", stack.store().query("SELECT count() FROM host_vendor_service_1m WHERE vendor = ''").strip(),
          "only AI vendors are aggregated");
      assertNonVendorTrafficIsStoredButAttributedToNoVendor(fleet, stack);
    }
  }

  private static Map<WindowKey, Totals> windowsInClickHouse(OneMachineStack stack) throws Exception {
    String rows = stack.store().query("""
        SELECT host, vendor, toUnixTimestamp(window_start),
               sum(bytes_up), sum(bytes_down), sum(packets_up), sum(packets_down), sum(flows)
        FROM host_vendor_service_1m FINAL
        GROUP BY host, vendor, window_start
        FORMAT TabSeparated""");
    Map<WindowKey, Totals> windows = new TreeMap<>();
    for (String row : rows.strip().split("\n")) {
      if (row.isBlank()) {
        continue;
      }
      String[] f = row.split("\t");
      windows.put(new WindowKey(f[0], f[1], Instant.ofEpochSecond(Long.parseLong(f[2]))),
          new Totals(Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
              Long.parseLong(f[6]), Long.parseLong(f[7])));
    }
    return windows;
  }

  private static void assertNonVendorTrafficIsStoredButAttributedToNoVendor(DemoFleet fleet, OneMachineStack stack)
      throws Exception {
    long expectedBytesUp = fleet.sessions().stream().filter(s -> s.vendor() == null)
        .mapToLong(s -> s.truth().bytesUp()).sum();
    String stored = stack.store().query("""
        SELECT count(), sum(bytes_up) FROM flows
        WHERE sni IN ('www.debian.org', 'repo.maven.apache.org') AND vendor = '' AND service = ''
        FORMAT TabSeparated""").strip();
    long sessions = fleet.sessions().stream().filter(s -> s.vendor() == null).count();
    assertEquals(sessions + "\t" + expectedBytesUp, stored, "non-vendor flows: count and upload bytes");
  }

  /** The fleet must hold what the issue asks this test to cover, or the test proves less. */
  private static void assertFleetCoversTheCases(DemoFleet fleet, Map<WindowKey, Totals> expected) {
    assertTrue(fleet.sessions().stream().map(DemoFleet.Session::host).distinct().count() >= 3, "several hosts");
    assertTrue(expected.keySet().stream().map(WindowKey::vendor).distinct().count() >= 2, "two or more vendors");
    assertTrue(fleet.sessions().stream().anyMatch(s -> s.vendor() == null), "a non-vendor destination");
    assertTrue(expected.keySet().stream().map(WindowKey::windowStart).distinct().count() >= 2, "two or more minutes");
    Map<String, Long> windowsPerHostVendor = expected.keySet().stream()
        .collect(Collectors.groupingBy(k -> k.host() + "/" + k.vendor(), Collectors.counting()));
    assertTrue(windowsPerHostVendor.values().stream().anyMatch(n -> n >= 2),
        "some host × vendor spans two minutes: " + windowsPerHostVendor);
    assertTrue(fleet.sessions().stream().map(s -> s.truth().serverName()).allMatch(Objects::nonNull));
  }
}
