package io.agentwatch.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.export.ExportScope;
import io.agentwatch.capture.export.FlowSink;
import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.capture.source.DirectFileSource;
import io.agentwatch.capture.synth.SyntheticPcapWriter;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import io.agentwatch.capture.testing.Corpus;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.HostTrafficMinute;
import io.agentwatch.schema.SchemaTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data minimisation: with export scope ai only flows to catalogued AI endpoints leave the sensor as
 * flow records; everything else leaves as per-host per-minute totals that add up exactly to what
 * scope all reports for those flows.
 */
class SensorExportScopeTest {

  static {
    SchemaTrust.ensure(); // copies records through their builder
  }

  @TempDir Path dir;

  /** A real capture (android.pcap, two minutes of a phone's traffic) with Google named an AI vendor for the test. */
  private SensorConfig androidWithGoogleAsVendor() throws Exception {
    Path catalog = dir.resolve("google-as-vendor.yaml");
    Files.writeString(catalog, """
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
    return SensorConfig.defaults("scope-test").withCatalog(EndpointCatalog.builtinWith(List.of(catalog)));
  }

  private static InMemoryFlowSink run(SensorConfig config, Path capture) throws Exception {
    InMemoryFlowSink sink = new InMemoryFlowSink();
    try (DirectFileSource source = DirectFileSource.open(capture)) {
      new Sensor(config, sink).run(source);
    }
    return sink;
  }

  @Test
  void scopeAiSendsOnlyAiFlowsAsRecordsAndTheRestAsHostMinutesThatAddUpExactly() throws Exception {
    Path capture = Corpus.file("ndpi/pcap/android.pcap");
    SensorConfig config = androidWithGoogleAsVendor();

    InMemoryFlowSink all = run(config.withScope(ExportScope.ALL), capture);
    InMemoryFlowSink ai = run(config.withScope(ExportScope.AI), capture);

    List<FlowRecord> aiFlows = all.records().stream().filter(r -> r.getVendor() != null).toList();
    List<FlowRecord> otherFlows = all.records().stream().filter(r -> r.getVendor() == null).toList();
    Map<String, long[]> expected = perHostMinute(otherFlows);
    assertTrue(aiFlows.size() >= 3 && otherFlows.size() >= 20, aiFlows.size() + " AI, " + otherFlows.size() + " other");
    assertTrue(expected.keySet().stream().map(k -> k.substring(k.indexOf('@'))).distinct().count() >= 2,
        "the other flows span two minutes or more: " + expected.keySet());
    assertTrue(all.hostTraffic().isEmpty(), "scope all sends no totals");

    assertEquals(withoutSequence(aiFlows), withoutSequence(ai.records()), "the AI flows' records, unchanged");
    assertEquals(render(expected), render(perHostMinuteTotals(ai.hostTraffic())),
        "per host and minute: packets up/down, bytes up/down, flows of the other flows");
    for (HostTrafficMinute minute : ai.hostTraffic()) {
      assertEquals("scope-test", minute.getSensorId());
      assertEquals(minute.getMinuteStart(), minute.getMinuteStart().truncatedTo(ChronoUnit.MINUTES));
    }
    List<Long> sequences = Stream.concat(ai.records().stream().map(FlowRecord::getSequence),
        ai.hostTraffic().stream().map(HostTrafficMinute::getSequence)).sorted().toList();
    assertEquals(LongStream.rangeClosed(1, sequences.size()).boxed().toList(), sequences,
        "records and totals share one gapless numbering");
  }

  @Test
  void aMinuteIsSentWhenTheCaptureClockPassesItsEndAndTheRestAtTheEndOfTheCapture() throws Exception {
    Path capture = dir.resolve("three-minutes.pcap");
    Instant start = Instant.parse("2026-11-20T09:00:10Z");
    try (SyntheticPcapWriter writer = SyntheticPcapWriter.create(capture)) {
      writer.writeInTimeOrder(List.of(
          TcpSessionBuilder.between("10.1.0.7", 40001, "151.101.2.132", 443).serverName("www.debian.org")
              .startingAt(start).seed(1).build(),
          TcpSessionBuilder.between("10.1.0.7", 40002, "160.79.104.10", 443).serverName("api.anthropic.com")
              .startingAt(start.plusSeconds(80)).seed(2).build(),
          TcpSessionBuilder.between("10.1.0.7", 40003, "151.101.2.132", 443).serverName("www.debian.org")
              .startingAt(start.plusSeconds(120)).seed(3).build()));
    }
    List<Object> arrivals = new ArrayList<>();
    FlowSink inOrder = new FlowSink() {
      @Override
      public void accept(FlowRecord record) {
        arrivals.add(record.getSni());
      }

      @Override
      public void acceptHostTraffic(HostTrafficMinute totals) {
        arrivals.add(totals.getMinuteStart().toString() + " flows=" + totals.getFlows());
      }
    };
    try (DirectFileSource source = DirectFileSource.open(capture)) {
      new Sensor(SensorConfig.defaults("s").withScope(ExportScope.AI), inOrder).run(source);
    }
    assertEquals(List.of("2026-11-20T09:00:00Z flows=1", "api.anthropic.com", "2026-11-20T09:02:00Z flows=1"), arrivals);
  }

  /** "host@minute" → {packets up, packets down, bytes up, bytes down, flows}, by each record's last_seen. */
  private static Map<String, long[]> perHostMinute(List<FlowRecord> records) {
    Map<String, long[]> sums = new TreeMap<>();
    for (FlowRecord r : records) {
      long[] sum = sums.computeIfAbsent(r.getHost() + "@" + r.getLastSeen().truncatedTo(ChronoUnit.MINUTES), k -> new long[5]);
      sum[0] += r.getPacketsUp();
      sum[1] += r.getPacketsDown();
      sum[2] += r.getBytesUp();
      sum[3] += r.getBytesDown();
      sum[4]++;
    }
    return sums;
  }

  private static Map<String, long[]> perHostMinuteTotals(List<HostTrafficMinute> minutes) {
    Map<String, long[]> sums = new TreeMap<>();
    for (HostTrafficMinute m : minutes) {
      long[] sum = sums.computeIfAbsent(m.getHost() + "@" + m.getMinuteStart(), k -> new long[5]);
      sum[0] += m.getPacketsUp();
      sum[1] += m.getPacketsDown();
      sum[2] += m.getBytesUp();
      sum[3] += m.getBytesDown();
      sum[4] += m.getFlows();
    }
    return sums;
  }

  private static String render(Map<String, long[]> sums) {
    StringBuilder text = new StringBuilder();
    sums.forEach((key, sum) -> text.append(key).append(' ').append(java.util.Arrays.toString(sum)).append('\n'));
    return text.toString();
  }

  private static List<FlowRecord> withoutSequence(List<FlowRecord> records) {
    return records.stream().map(r -> FlowRecord.newBuilder(r).setSequence(0).build()).toList();
  }
}
