package io.agentwatch.sizing;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.export.ExportScope;
import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.source.DirectFileSource;
import io.agentwatch.demo.DemoFleet;
import io.agentwatch.schema.CommunityId;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.HostTrafficMinute;
import io.agentwatch.schema.SingleObjectCodec;
import io.agentwatch.schema.Transport;
import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.FlowRows;
import io.agentwatch.store.HostTrafficRows;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.RowBinaryWriter;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: the measured inputs of deploy/SIZING.md, printed and written to
 * {@code target/app/sizing.txt}. Run with {@code bench/sizing.sh} (or
 * {@code mvn -pl src -am test -Dtest=SizingBenchmark -Dagentwatch.bench=true -Dsurefire.failIfNoSpecifiedTests=false}).
 *
 * <ol>
 *   <li>Flows per host: the demo fleet ({@link DemoFleet#standard()}, what {@code agentwatch replay
 *       --demo} replays) through the sensor with the service's export scope (ai: AI flows as flow
 *       records, the rest as per-host minutes); and every public capture in {@code testdata/}
 *       (real applications' traffic) with scope all, per host and hour of capture.</li>
 *   <li>Bytes per record on the wire: the Avro single-object message the sensor sends (value
 *       only), and zstd-compressed in batches as the producer sends them (level 3, Kafka's default;
 *       batches of up to 256 KiB, the sensor's batch.size).</li>
 *   <li>Bytes per row on disk: the demo fleet's records copied to {@code agentwatch.bench.hosts}
 *       hosts (each copy with its own host, address, sequence and the Community ID of its 5-tuple), inserted into the
 *       embedded engine as the sink does, every table merged (OPTIMIZE FINAL), then
 *       system.parts_columns per table and per flows column.</li>
 * </ol>
 */
@EnabledIfSystemProperty(named = "agentwatch.bench", matches = "true")
class SizingBenchmark {

  private static final int HOSTS = Integer.getInteger("agentwatch.bench.hosts", 1200);
  private static final int BATCH_BYTES = 256 * 1024;
  private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();

  @TempDir Path dir;

  @Test
  void sizingFigures() throws Exception {
    StringBuilder report = new StringBuilder();

    // 1. The demo fleet through the sensor, as the sensor service exports it.
    DemoFleet fleet = DemoFleet.standard();
    Path capture = dir.resolve("demo-fleet.pcap");
    fleet.writePcap(capture);
    InMemoryFlowSink demo = sense(capture, ExportScope.AI);
    List<FlowRecord> records = demo.records();
    Set<String> hosts = new HashSet<>();
    records.forEach(r -> hosts.add(r.getHost()));
    demo.hostTraffic().forEach(m -> hosts.add(m.getHost()));
    Instant first = records.stream().map(FlowRecord::getFirstSeen).min(Instant::compareTo).orElseThrow();
    Instant last = records.stream().map(FlowRecord::getLastSeen).max(Instant::compareTo).orElseThrow();
    double spanHours = Duration.between(first, last).toMillis() / 3_600_000.0;
    line(report, "demo fleet (DemoFleet.standard, scope ai): %d sessions in the capture, %d AI flow records and %d host-traffic"
        + " minutes from %d hosts over %.2f h (%s .. %s): %.1f AI flow records and %.1f host-traffic minutes per host per hour",
        fleet.sessions().size(), records.size(), demo.hostTraffic().size(), hosts.size(), spanHours, first, last,
        records.size() / (double) hosts.size() / spanHours, demo.hostTraffic().size() / (double) hosts.size() / spanHours);

    // 1a. A generated fleet with ordinary web traffic beside the AI vendors' (the demo has none):
    // what the sensor sends as per-host minutes instead of flow records.
    DemoFleet mixed = DemoFleet.generate(Instant.parse("2026-11-02T09:00:00Z"), 12, 60, 60, 7);
    Path mixedCapture = dir.resolve("mixed-fleet.pcap");
    mixed.writePcap(mixedCapture);
    InMemoryFlowSink mixedSensed = sense(mixedCapture, ExportScope.AI);
    List<HostTrafficMinute> minutes = mixedSensed.hostTraffic();
    long mixedHosts = Stream.concat(mixedSensed.records().stream().map(FlowRecord::getHost), minutes.stream().map(HostTrafficMinute::getHost))
        .distinct().count();
    line(report, "generated fleet (DemoFleet.generate: 12 hosts, 60 min, 60 sessions per host, 5 AI and 2 other sites; scope ai):"
        + " %d sessions, %d AI flow records and %d host-traffic minutes from %d hosts: %.1f host-traffic minutes per host per hour",
        mixed.sessions().size(), mixedSensed.records().size(), minutes.size(), mixedHosts, minutes.size() / (double) mixedHosts);

    // 1b. Real applications' captures (testdata), every flow as a record. A rate per hour only for
    // captures of 30 s to a day (shorter ones are single test flows; ipfixprobe's tls.pcap joins
    // captures years apart).
    List<Path> captures;
    try (Stream<Path> files = Files.walk(REPOSITORY.resolve("testdata"))) {
      captures = files.filter(f -> f.toString().matches(".*\\.pcap(ng)?$")).sorted().toList();
    }
    for (Path file : captures) {
      List<FlowRecord> flows;
      try {
        flows = sense(file, ExportScope.ALL).records();
      } catch (Exception e) {
        line(report, "testdata %s: not read (%s)", REPOSITORY.relativize(file), e.getMessage());
        continue;
      }
      if (flows.isEmpty()) {
        continue;
      }
      Set<String> fileHosts = new HashSet<>();
      flows.forEach(r -> fileHosts.add(r.getHost()));
      Instant from = flows.stream().map(FlowRecord::getFirstSeen).min(Instant::compareTo).orElseThrow();
      Instant to = flows.stream().map(FlowRecord::getLastSeen).max(Instant::compareTo).orElseThrow();
      double seconds = Duration.between(from, to).toMillis() / 1000.0;
      line(report, "testdata %s: %d flow records, %d hosts, %.1f s of capture%s", REPOSITORY.relativize(file), flows.size(),
          fileHosts.size(), seconds, seconds < 30 || seconds > 86_400 ? ""
              : String.format(": %.0f flows per host per hour", flows.size() / (double) fileHosts.size() / seconds * 3600));
    }

    // 2. Bytes on the wire.
    SingleObjectCodec<FlowRecord> codec = SingleObjectCodec.flowRecords();
    List<FlowRecord> copies = copies(records, HOSTS / Math.max(1, hosts.size()));
    long avroBytes = 0;
    long compressedBytes = 0;
    ByteArrayOutputStream batch = new ByteArrayOutputStream();
    for (FlowRecord record : copies) {
      byte[] message = codec.encode(record);
      avroBytes += message.length;
      if (batch.size() + message.length > BATCH_BYTES) {
        compressedBytes += com.github.luben.zstd.Zstd.compress(batch.toByteArray(), 3).length;
        batch.reset();
      }
      batch.write(message);
    }
    compressedBytes += com.github.luben.zstd.Zstd.compress(batch.toByteArray(), 3).length;
    line(report, "wire: %d flow records: %.1f bytes of Avro per record (single-object message, value only),"
        + " %.1f bytes per record zstd-compressed in batches of up to %d KiB",
        copies.size(), avroBytes / (double) copies.size(), compressedBytes / (double) copies.size(), BATCH_BYTES / 1024);

    // 3. Bytes on disk.
    List<HostTrafficMinute> minuteCopies = minuteCopies(minutes, (int) (HOSTS / Math.max(1, mixedHosts)));
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dir.resolve("clickhouse"))) {
      Migrations.bundled(store).apply();
      // Wide parts whatever the run's size, so system.parts_columns has each column's bytes (a part
      // under 10 MB is compact by default and reports none); a fleet's parts are wide anyway.
      store.execute("ALTER TABLE flows MODIFY SETTING min_bytes_for_wide_part = 0, min_rows_for_wide_part = 0");
      for (int from = 0; from < copies.size(); from += 50_000) {
        RowBinaryWriter out = new RowBinaryWriter();
        copies.subList(from, Math.min(copies.size(), from + 50_000)).forEach(r -> FlowRows.encode(out, r));
        store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray());
      }
      for (int from = 0; from < minuteCopies.size(); from += 50_000) {
        RowBinaryWriter out = new RowBinaryWriter();
        minuteCopies.subList(from, Math.min(minuteCopies.size(), from + 50_000)).forEach(m -> HostTrafficRows.encode(out, m));
        store.insertRowBinary(HostTrafficRows.TABLE, HostTrafficRows.COLUMNS, out.toByteArray());
      }
      for (String table : List.of("flows", "host_traffic_1m", "flow_totals_1m", "flow_totals_1h", "flow_totals_1d", "host_vendor_contact")) {
        store.execute("OPTIMIZE TABLE " + table + " FINAL");
      }
      line(report, "disk: %d flows rows and %d host_traffic_1m rows from %d hosts (copies of the demo fleet), merged:",
          copies.size(), minuteCopies.size(), copies.stream().map(FlowRecord::getHost).distinct().count());
      // Per table from system.parts (system.parts_columns repeats a part's totals on each column's row).
      line(report, "%s", store.query("SELECT table, sum(rows) AS rows, sum(data_compressed_bytes) AS compressed,"
          + " sum(data_uncompressed_bytes) AS uncompressed, sum(bytes_on_disk) AS on_disk, round(compressed / rows, 1) AS compressed_per_row,"
          + " round(on_disk / rows, 1) AS on_disk_per_row, round(uncompressed / rows, 1) AS uncompressed_per_row,"
          + " round(uncompressed / compressed, 1) AS ratio, round(rows / " + copies.size() + ", 4) AS rows_per_flow"
          + " FROM system.parts WHERE database = currentDatabase() AND active AND table != 'schema_migrations' GROUP BY table"
          + " HAVING rows > 0 ORDER BY compressed DESC FORMAT PrettyCompactMonoBlock").strip());
      line(report, "flows, per column:");
      line(report, "%s", store.query("SELECT column, sum(column_data_compressed_bytes) AS compressed,"
          + " sum(column_data_uncompressed_bytes) AS uncompressed, round(compressed / sum(rows), 2) AS compressed_per_row"
          + " FROM system.parts_columns WHERE database = currentDatabase() AND active AND table = 'flows'"
          + " GROUP BY column ORDER BY compressed DESC FORMAT PrettyCompactMonoBlock").strip());
    }

    System.out.print(report);
    Path out = Path.of(System.getProperty("agentwatch.bench.out", "../target/app/sizing.txt"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report);
  }

  private static InMemoryFlowSink sense(Path capture, ExportScope scope) throws Exception {
    InMemoryFlowSink sink = new InMemoryFlowSink();
    try (DirectFileSource source = DirectFileSource.open(capture)) {
      new Sensor(SensorConfig.defaults("sizing").withScope(scope), sink).run(source);
    }
    return sink;
  }

  /**
   * {@code times} copies of each record, copy k on its own hosts (10.(20+k/250).(k%250).x), with its
   * own sequence and the Community ID a sensor on that host would give it (of its own 5-tuple).
   */
  private static List<FlowRecord> copies(List<FlowRecord> records, int times) throws Exception {
    List<FlowRecord> copies = new ArrayList<>(records.size() * times);
    for (int k = 0; k < times; k++) {
      for (FlowRecord record : records) {
        String host = copyHost(record.getHost(), k);
        FlowRecord copy = FlowRecord.newBuilder(record).setHost(host).setSrcIp(host)
            .setSequence(k * 1_000_000L + record.getSequence()).build();
        copy.setCommunityId(sensorsCommunityId(copy));
        copies.add(copy);
      }
    }
    return copies;
  }

  /** As capture's Identifier computes it; the record's own text for a transport other than TCP and UDP. */
  private static String sensorsCommunityId(FlowRecord record) throws Exception {
    int protocol = record.getTransport() == Transport.TCP ? 6 : record.getTransport() == Transport.UDP ? 17 : -1;
    if (protocol < 0) {
      return record.getCommunityId();
    }
    byte[] src = InetAddress.getByName(record.getSrcIp()).getAddress();
    byte[] dst = InetAddress.getByName(record.getDstIp()).getAddress();
    int version = src.length == 4 && dst.length == 4 ? 4 : 6;
    return CommunityId.of(version, word(src, 0), word(src, 1), record.getSrcPort(), word(dst, 0), word(dst, 1),
        record.getDstPort(), protocol);
  }

  /** The high (0) or low (1) 64 bits of an address as CommunityId takes them (IPv4 in the low 32 bits). */
  private static long word(byte[] address, int which) {
    if (address.length == 4) {
      return which == 0 ? 0 : new BigInteger(1, address).longValue();
    }
    return new BigInteger(1, Arrays.copyOfRange(address, 8 * which, 8 * which + 8)).longValue();
  }

  private static List<HostTrafficMinute> minuteCopies(List<HostTrafficMinute> minutes, int times) {
    List<HostTrafficMinute> copies = new ArrayList<>(minutes.size() * times);
    for (int k = 0; k < times; k++) {
      for (HostTrafficMinute minute : minutes) {
        copies.add(HostTrafficMinute.newBuilder(minute).setHost(copyHost(minute.getHost(), k))
            .setSequence(k * 1_000_000L + minute.getSequence()).build());
      }
    }
    return copies;
  }

  private static String copyHost(String host, int k) {
    return "10." + (20 + k / 250) + "." + (k % 250) + "." + host.substring(host.lastIndexOf('.') + 1);
  }

  private static void line(StringBuilder report, String format, Object... args) {
    report.append(String.format(format, args)).append('\n');
  }
}
