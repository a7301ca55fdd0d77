package io.agentwatch.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.capture.service.SensorService;
import io.agentwatch.capture.source.DirectFileSource;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.OneMachineStack;
import io.agentwatch.store.NamedQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data minimisation end to end: `agentwatch sensor` (default export scope ai) replays a real
 * capture through its spool into a real broker; the stream job (Flink MiniCluster) writes the
 * store (chDB). Only the AI flows are in {@code flows}; the rest of each host's traffic is in
 * {@code host_traffic_1m}, per minute, to the byte, packet and flow of what a sensor with scope
 * all reports for those flows; and the upload share query puts both together.
 */
class SensorDataMinimisationTest {

  private static final DateTimeFormatter CLICKHOUSE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void onlyAiFlowsReachTheFlowsTableAndTheRestLandsInHostTrafficPerMinuteExactly() throws Exception {
    Path capture = Path.of(System.getProperty("agentwatch.corpus", "../testdata"), "ndpi/pcap/android.pcap");
    Path catalog = Files.writeString(dir.resolve("google-as-vendor.yaml"), """
        version: 1
        vendors:
          - id: test-google
            name: Google, as an AI vendor for this test only
            source: https://www.google.com
            services:
              - id: web
                category: chat-web
                domains: [google.com]
        """);
    List<FlowRecord> everyFlow = everyFlow(capture, catalog);
    List<FlowRecord> aiFlows = everyFlow.stream().filter(r -> r.getVendor() != null).toList();
    List<FlowRecord> otherFlows = everyFlow.stream().filter(r -> r.getVendor() == null).toList();
    assertTrue(aiFlows.size() >= 3 && otherFlows.size() >= 20, aiFlows.size() + " AI flows, " + otherFlows.size() + " others");

    try (OneMachineStack stack = OneMachineStack.start(OneMachineStack.Config.embedded(dir.resolve("stack")))) {
      try (SensorService sensor = SensorRig.service(Map.of(
          "capture.read", capture.toString(), "catalog.files", List.of(catalog.toString()),
          "kafka.bootstrap-servers", stack.bootstrapServers(), "hosts.mode", "network",
          "sensor.id", "minimising-sensor", "spool.directory", dir.resolve("spool").toString(),
          "metrics.listen", "off"))) {
        sensor.run();
        assertEquals(0, sensor.delivery().orElseThrow().spool().pending(), "everything delivered");
      }
      stack.aggregateAvailableFlows();

      assertEquals(aiFlows.size() + "\t0\n", stack.store().query("SELECT count(), countIf(vendor = '') FROM flows"),
          "the flows table holds the AI flows and nothing else");
      assertEquals(perHostMinute(otherFlows), stack.store().query("""
          SELECT host, minute_start, sum(packets_up), sum(packets_down), sum(bytes_up), sum(bytes_down), sum(flows)
          FROM host_traffic_1m FINAL GROUP BY host, minute_start ORDER BY host, minute_start"""),
          "host_traffic_1m: per host and minute, the sums scope all reports for the non-AI flows");

      Instant from = everyFlow.stream().map(FlowRecord::getLastSeen).min(Instant::compareTo).orElseThrow()
          .truncatedTo(ChronoUnit.MINUTES);
      Instant to = everyFlow.stream().map(FlowRecord::getLastSeen).max(Instant::compareTo).orElseThrow()
          .truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
      String share = NamedQueries.get("host_ai_upload_share").render(
          Map.of("since", from.toString(), "until", to.toString()), Instant.now());
      assertEquals(uploadPerHost(aiFlows, otherFlows), stack.store().query(
          "SELECT host, ai_bytes_up, other_bytes_up FROM (" + share + ") ORDER BY host"),
          "per host: AI bytes up (host_vendor_service_1m) and other bytes up (host_traffic_1m)");
    }
  }

  /** What a sensor with export scope all reports for the capture: every flow, as the store's hosts see it. */
  private static List<FlowRecord> everyFlow(Path capture, Path catalog) throws Exception {
    InMemoryFlowSink sink = new InMemoryFlowSink();
    try (DirectFileSource source = DirectFileSource.open(capture)) {
      new Sensor(SensorConfig.defaults("reference").withCatalog(EndpointCatalog.builtinWith(List.of(catalog))), sink)
          .run(source);
    }
    return sink.records();
  }

  private static String perHostMinute(List<FlowRecord> records) {
    Map<String, long[]> sums = new TreeMap<>();
    for (FlowRecord r : records) {
      long[] sum = sums.computeIfAbsent(
          r.getHost() + "\t" + CLICKHOUSE_TIME.format(r.getLastSeen().truncatedTo(ChronoUnit.MINUTES)), k -> new long[5]);
      sum[0] += r.getPacketsUp();
      sum[1] += r.getPacketsDown();
      sum[2] += r.getBytesUp();
      sum[3] += r.getBytesDown();
      sum[4]++;
    }
    StringBuilder rows = new StringBuilder();
    sums.forEach((key, s) -> rows.append(key).append('\t').append(s[0]).append('\t').append(s[1]).append('\t')
        .append(s[2]).append('\t').append(s[3]).append('\t').append(s[4]).append('\n'));
    return rows.toString();
  }

  private static String uploadPerHost(List<FlowRecord> ai, List<FlowRecord> other) {
    Function<List<FlowRecord>, Map<String, Long>> upload = records -> records.stream()
        .collect(Collectors.groupingBy(FlowRecord::getHost, Collectors.summingLong(FlowRecord::getBytesUp)));
    Map<String, Long> aiUp = upload.apply(ai);
    Map<String, Long> otherUp = upload.apply(other);
    TreeMap<String, String> rows = new TreeMap<>();
    for (String host : aiUp.keySet()) {
      rows.put(host, host + "\t" + aiUp.get(host) + "\t" + otherUp.getOrDefault(host, 0L) + "\n");
    }
    for (String host : otherUp.keySet()) {
      rows.putIfAbsent(host, host + "\t0\t" + otherUp.get(host) + "\n");
    }
    return String.join("", rows.values());
  }
}
