package io.agentwatch.cli;

import static io.agentwatch.cli.FlowsCommandTest.agentwatch;
import static io.agentwatch.testing.TestCatalogs.ACME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.capture.source.DirectFileSource;
import io.agentwatch.capture.synth.SyntheticPcapWriter;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import io.agentwatch.cli.FlowsCommandTest.Run;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.DataDirectory;
import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.FlowRows;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.RowBinaryWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `agentwatch catalog reidentify`: flows stored before a catalog named their endpoint are named
 * after it, as the sensor would name them now, and the per-vendor totals move with them.
 */
class CatalogReidentifyTest {

  @TempDir Path dir;

  @Test
  void storedFlowsOfANameTheNewCatalogKnowsAreReidentifiedAndTheTotalsMoveWithThem() throws Exception {
    DataDirectory data = new DataDirectory(dir.resolve("data"));
    Path capture = capture(dir, Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MINUTES));
    Path acme = Files.writeString(dir.resolve("acme.yaml"), ACME);
    EndpointCatalog withAcme = EndpointCatalog.builtinWith(List.of(acme));
    List<FlowRecord> records = sensorRecords(capture, EndpointCatalog.builtin());
    // What a sensor with the new catalog would have recorded: what the stored rows must become.
    List<FlowRecord> expected = sensorRecords(capture, withAcme);
    long acmeBytes = records.stream().filter(r -> "api.acme.example".equals(r.getSni())).mapToLong(FlowRecord::getBytesUp).sum();
    long allBytes = records.stream().mapToLong(FlowRecord::getBytesUp).sum();
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(data.clickhouse())) {
      Migrations.bundled(store).apply();
      RowBinaryWriter rows = new RowBinaryWriter();
      records.forEach(record -> FlowRows.encode(rows, record));
      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, rows.toByteArray());
      assertEquals("0\n", store.query("SELECT count() FROM flows WHERE vendor = 'acme-ai'"));
    }
    String version = withAcme.version();

    Run dryRun = agentwatch("catalog", "reidentify", "--data-dir", data.path().toString(), "--since", "7d",
        "--catalog", acme.toString(), "--dry-run");
    assertEquals(0, dryRun.exitCode(), dryRun.err());
    assertTrue(dryRun.out().contains("api.acme.example: none -> acme-ai/api by sni, 12 flows"), dryRun.out());
    assertTrue(dryRun.out().contains("12 stored flows since ") && dryRun.out().contains("would change"), dryRun.out());

    Run run = agentwatch("catalog", "reidentify", "--data-dir", data.path().toString(), "--since", "7d", "--catalog", acme.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("12 stored flows since ") && run.out().contains("re-identified with catalog version " + version),
        run.out());

    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(data.clickhouse())) {
      assertEquals(records.size() + "\n", store.query("SELECT count() FROM flows"), "rows are rewritten, not added");
      String identification = "vendor, service, category, identified_by, confidence, resource";
      StringBuilder sensorSays = new StringBuilder();
      for (FlowRecord record : expected) {
        sensorSays.append(record.getSequence()).append('\t').append(String.join("\t", java.util.stream.Stream.of(
            record.getVendor(), record.getService(), record.getCategory(), io.agentwatch.schema.FlowText.of(record.getIdentifiedBy()),
            record.getConfidence(), record.getResource()).map(v -> v == null ? "" : v).toList())).append('\n');
      }
      assertEquals(sensorSays.toString(), store.query("SELECT sequence, " + identification + " FROM flows ORDER BY sequence"),
          "every row as the sensor identifies its flow with the new catalog");
      assertEquals("12\tacme-ai\tapi\t" + version + "\n", store.query(
          "SELECT count(), vendor, service, catalog_version FROM flows WHERE sni = 'api.acme.example' GROUP BY ALL"));
      assertEquals("8\tanthropic\t" + EndpointCatalog.builtin().version() + "\n", store.query(
          "SELECT count(), vendor, catalog_version FROM flows WHERE sni = 'api.anthropic.com' GROUP BY ALL"),
          "rows the new catalog names as before are left alone");
      for (String tier : List.of("flow_totals_1m", "flow_totals_1h", "flow_totals_1d", "vendor_totals_1m", "vendor_totals_1h", "vendor_totals_1d")) {
        assertEquals(acmeBytes + "\t12\n", store.query("SELECT sum(bytes_up), sum(flows) FROM " + tier + " WHERE vendor = 'acme-ai'"), tier);
        assertEquals("0\n", store.query("SELECT count() FROM " + tier + " WHERE vendor = '' AND flows > 0"), tier);
        assertEquals(allBytes + "\t20\n", store.query("SELECT sum(bytes_up), sum(flows) FROM " + tier), tier + ": counted once");
      }
      for (String tier : List.of("host_rollup_1h", "host_rollup_1d")) { // the per-host panels' ranking (061)
        assertEquals(acmeBytes + "\n", store.query("SELECT sum(service_up['acme-ai/api']) FROM " + tier), tier);
        assertEquals(allBytes + "\t20\n", store.query("SELECT sum(bytes_up), sum(flows) FROM " + tier), tier + ": counted once");
      }
    }

    Run again = agentwatch("catalog", "reidentify", "--data-dir", data.path().toString(), "--since", "7d", "--catalog", acme.toString());
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().startsWith("0 stored flows since "), again.out());
  }

  @Test
  void aBadCatalogFileIsNamedWithItsLine() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), ACME.replace("llm-api", "chatbot"));
    Run run = agentwatch("catalog", "reidentify", "--data-dir", dir.toString(), "--catalog", bad.toString());
    assertEquals(2, run.exitCode(), run.out());
    assertTrue(run.err().contains(bad + ": line ") && run.err().contains("'chatbot'"), run.err());
  }

  @Test
  void onAClusterItRefusesToRewriteAndNamesTheKey() throws Exception {
    Path acme = Files.writeString(dir.resolve("acme.yaml"), ACME);
    // Refused before connecting: nothing listens on port 9.
    Run run = agentwatch("catalog", "reidentify", "--since", "7d", "--catalog", acme.toString(), "--set", "store.kind=remote",
        "--set", "store.remote.url=http://127.0.0.1:9", "--set", "store.cluster=fleet");
    assertEquals(2, run.exitCode(), run.out() + run.err());
    assertTrue(run.err().contains("store.cluster=fleet") && run.err().contains("--dry-run"), run.err());
  }

  /** 12 TLS flows to api.acme.example, 8 to api.anthropic.com, from {@code start} on. */
  private static Path capture(Path dir, Instant start) throws Exception {
    List<TcpSession> sessions = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String name = i % 5 < 3 ? "api.acme.example" : "api.anthropic.com";
      sessions.add(TcpSessionBuilder.between("10.1.0." + (10 + i % 3), 40_000 + i, i % 5 < 3 ? "203.0.113.20" : "160.79.104.10", 443)
          .startingAt(start.plusSeconds(i * 20L)).packetInterval(Duration.ofMillis(2))
          .serverName(name).upload(900 + i, 1400).download(600).seed(i).build());
    }
    Path capture = dir.resolve("before.pcap");
    try (SyntheticPcapWriter writer = SyntheticPcapWriter.create(capture)) {
      writer.writeInTimeOrder(sessions);
    }
    return capture;
  }

  /** The records the real sensor makes of the capture with {@code catalog}. */
  private static List<FlowRecord> sensorRecords(Path capture, EndpointCatalog catalog) throws Exception {
    InMemoryFlowSink sink = new InMemoryFlowSink();
    new Sensor(SensorConfig.defaults("sensor-1").withCatalog(catalog), sink).run(DirectFileSource.open(capture));
    assertEquals(20, sink.records().size());
    return sink.records();
  }
}
