package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.schema.FlowRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: the console's named queries in the embedded engine over a month of fleet traffic,
 * while a writer inserts flows at a steady rate as the stream job does (RowBinary batches through
 * {@link FlowRows}, one a second, with a deduplication token). For the console's time presets
 * (1 h, 24 h, 7 d, 30 d; the range ends on the next whole minute, hour for a day or more, as the
 * console rounds it) it reports each query's p50/p95, the same query on the raw records
 * ({@code flow_totals_raw}) where it reads a rollup, and the overview page's wall time with its
 * seven queries sent at once as the browser does; and bytes on disk per row of each table and per
 * column of {@code flows} (BENCHMARKS.md, Store). {@code bench/console-queries.sh} runs it.
 *
 * <p>Settings (system properties): {@code agentwatch.bench.rows} (flows rows of the fill, 10 M),
 * {@code .runs} (timed runs per query, 11), {@code .rate} (rows a second the writer inserts, 2 000),
 * {@code .dir} (a data directory kept between runs: filled once, reused while it holds the rows).
 *
 * <p>The fleet (made by the engine, INSERT ... SELECT in blocks of 1 M, so the materialized views
 * fill the rollups as the sink's inserts do): 2 000 hosts in 20 teams behind 40 sensors, each host
 * using 3 of 8 vendors with 2 services each; times to the microsecond, random ephemeral ports,
 * flow sizes spread over five decades, real-looking Community IDs (the SHA-1 of a number); the
 * job's minutes ({@code host_vendor_service_1m}) made from the flows, and one alert per 5 000 flows
 * naming a flow as its top flow.
 */
@EnabledIfSystemProperty(named = "agentwatch.bench", matches = "true")
class ConsoleQueryBenchmark {

  private static final long ROWS = Long.getLong("agentwatch.bench.rows", 10_000_000L);
  private static final int RUNS = Integer.getInteger("agentwatch.bench.runs", 11);
  private static final int RATE = Integer.getInteger("agentwatch.bench.rate", 2_000);
  private static final long BLOCK = 1_000_000;
  private static final long MONTH = 30 * 86_400L;
  private static final int HOSTS = 2_000;

  /** The console's presets (state.js), in seconds. */
  private static final Map<String, Long> RANGES = presets();

  /** The overview page's queries, as pages/overview.js sends them. */
  private static final List<String> OVERVIEW = List.of("fleet_totals", "fleet_overview", "top_hosts", "top_teams",
      "top_vendors", "alerts", "new_vendor_pairs");

  /** The other pages' queries over a range (host, team, vendor, alerts pages), each once. */
  private static final List<String> OTHERS = List.of("vendor_detail", "host_vendors", "host_clients", "host_minutes",
      "alert_timeline", "host_exposure", "host_vendor_exposure");

  @TempDir Path temporary;

  @Test
  void consoleQueriesWhileFlowsAreInserted() throws Exception {
    Path dir = System.getProperty("agentwatch.bench.dir") != null ? Path.of(System.getProperty("agentwatch.bench.dir")) : temporary;
    Files.createDirectories(dir);
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dir)) {
      Migrations.bundled(store).apply();
      long stored = Long.parseLong(store.query("SELECT count() FROM flows FORMAT TSV").trim());
      Instant end;
      if (stored < ROWS) {
        assertEquals(0, stored, "a kept data directory with fewer rows than asked for: empty it first (" + dir + ")");
        end = Instant.ofEpochSecond(-Math.floorDiv(-Instant.now().getEpochSecond(), 3600) * 3600);
        fill(store, end);
      } else {
        end = Instant.parse(store.query("SELECT max(last_seen) FROM flows FORMAT TSV").trim().replace(' ', 'T') + "Z");
        System.out.printf("bench: reusing %d flows rows in %s, the newest at %s%n", stored, dir, end);
      }
      bytesPerRow(store);

      AtomicLong written = new AtomicLong();
      AtomicReference<Throwable> writerFailed = new AtomicReference<>();
      Thread writer = new Thread(() -> writeSteadily(store, written, writerFailed), "bench-writer");
      writer.setDaemon(true);
      long writerStart = System.nanoTime();
      writer.start();
      try {
        Thread.sleep(3_000); // the writer's first batches are in, merges under way
        System.out.println("bench: range\tquery\ttier\tp50 ms\tp95 ms\traw p50 ms\traw p95 ms\traw/tier p50");
        for (Map.Entry<String, Long> range : RANGES.entrySet()) {
          Map<String, String> parameters = parameters(range.getValue(), end);
          for (String name : concat(OVERVIEW, OTHERS)) {
            measure(store, name, range.getKey(), parameters, end);
          }
          long[] page = overviewPage(store, parameters, end);
          System.out.printf("bench: %s\toverview page (7 queries at once)\t-\t%.0f\t%.0f%n", range.getKey(), page[0] / 1e6, page[1] / 1e6);
        }
        Map<String, String> alert = Map.of("alert_id", store.query("SELECT alert_id FROM alerts ORDER BY window_start DESC LIMIT 1 FORMAT TSV").trim());
        for (String name : List.of("alert", "alert_flows")) {
          measure(store, name, "one alert", alert, end);
        }
      } finally {
        writer.interrupt();
        writer.join(30_000);
      }
      if (writerFailed.get() != null) {
        throw new AssertionError("the writer failed", writerFailed.get());
      }
      double seconds = (System.nanoTime() - writerStart) / 1e9;
      System.out.printf("bench: the writer inserted %d rows in %.0f s (%.0f rows/s, asked %d) while the queries ran%n",
          written.get(), seconds, written.get() / seconds, RATE);
    }
  }

  /** Fills a month of fleet traffic ending at {@code end}, the job's minutes and some alerts. */
  private static void fill(ClickHouseStore store, Instant end) throws StoreException {
    long start = System.nanoTime();
    for (long offset = 0; offset < ROWS; offset += BLOCK) {
      store.execute(fleetFlows(end, offset, Math.min(BLOCK, ROWS - offset)));
    }
    double flowsSeconds = (System.nanoTime() - start) / 1e9;
    // What the job would have written per host x vendor x service x minute (host_minutes reads it).
    store.execute("INSERT INTO host_vendor_service_1m (host, vendor, service, window_start, bytes_up, bytes_down,"
        + " packets_up, packets_down, flows, distinct_destinations, max_upload)"
        + " SELECT host, vendor, service, toStartOfMinute(toDateTime(last_seen, 'UTC')) AS minute, sum(bytes_up), sum(bytes_down),"
        + " sum(packets_up), sum(packets_down), count(), uniqExact(dst_ip), max(bytes_up) FROM flows"
        + " GROUP BY host, vendor, service, minute");
    // One alert per 5 000 flows, its top flow that flow, as the detection job stores them.
    store.execute("INSERT INTO alerts (alert_id, detector, host, vendor, service, window_start, window_end, observed,"
        + " baseline, score, top_flows, reason, incident_id, state, version, host_team)"
        + " SELECT 'bench-' || toString(sequence), 'upload-spike', host, vendor, service, toStartOfMinute(toDateTime(last_seen, 'UTC')),"
        + " toStartOfMinute(toDateTime(last_seen, 'UTC')) + 60, bytes_up, bytes_up / 10, 10,"
        + " [community_id || ' (' || toString(bytes_up) || ' B up)'], 'bench', 'bench-' || toString(sequence), 'open', 1, host_team"
        + " FROM flows WHERE sequence % 5000 = 0");
    System.out.printf("bench: filled %d flows rows ending %s in %.0f s (%.0f rows/s with the rollups' views), the job's"
        + " minutes and alerts in %.0f s more%n", ROWS, end, flowsSeconds, ROWS / flowsSeconds, (System.nanoTime() - start) / 1e9 - flowsSeconds);
  }

  /**
   * {@code count} flows rows from row {@code offset} of the fleet's month ending at {@code end}:
   * spread evenly in time (row n at n/ROWS of the month, plus up to a second), 0.05 s to 2 min long.
   */
  static String fleetFlows(Instant end, long offset, long count) {
    long spanMicros = MONTH * 1_000_000L;
    long startMicros = end.getEpochSecond() * 1_000_000L - spanMicros;
    return "INSERT INTO flows (sensor_id, sequence, host, host_team, host_owner, src_ip, src_port, dst_ip, dst_port, transport,"
        + " first_seen, last_seen, packets_up, packets_down, bytes_up, bytes_down, sni, alpn, ja4, dns_name, vendor, service,"
        + " category, identified_by, end_reason, ech, community_id_sha1, confidence, ingested_at)"
        + " SELECT 'sensor-' || toString(h % 40), number, 'host-' || toString(h), 'team-' || toString(h % 20), 'owner-' || toString(h),"
        + " toIPv6(IPv4NumToString(toUInt32(167772160 + h))), toUInt16(32768 + cityHash64(number, 2) % 28232),"
        + " toIPv6(IPv4NumToString(toUInt32(2689558528 + v * 256 + cityHash64(number, 3) % 4))), 443, if(v = 5, 'udp', 'tcp'),"
        + " fromUnixTimestamp64Micro(toInt64(us - duration), 'UTC'), fromUnixTimestamp64Micro(toInt64(us), 'UTC'),"
        + " packets, packets * 2 + cityHash64(number, 8) % 50, up, toUInt64(pow(10, 2 + (cityHash64(number, 9) % 10000) / 2000.0)),"
        + " sni, if(v = 5, 'h3', 'h2'), ['t13d1516h2_8daaf6152771_e5627efa2ab1', 't13d1517h2_8daaf6152771_b0da82dd1658',"
        + " 't13d311000_e8f1e7e78f70_d41ae481755e'][1 + (h + number % 2) % 3], if(number % 3 = 0, '', sni),"
        + " 'vendor-' || toString(v), 'vendor-' || toString(v) || '-' || toString(s), 'llm-api', if(number % 50 = 0, 'dns', 'sni'),"
        + " ['fin', 'fin', 'fin', 'rst', 'idle'][1 + number % 5], 0, SHA1(toString(number)), 'high',"
        + " toDateTime(intDiv(us, 1000000) + 2, 'UTC')"
        + " FROM (SELECT number, cityHash64(number, 1) % " + HOSTS + " AS h, (h + number % 3) % 8 AS v, number % 2 AS s,"
        + " ['api', 'chat'][1 + s] || '.vendor-' || toString(v) || '.com' AS sni,"
        + " " + startMicros + " + intDiv(number * " + spanMicros + ", " + ROWS + ") + cityHash64(number, 4) % 1000000 AS us,"
        + " 50000 + cityHash64(number, 5) % 120000000 AS duration, 5 + cityHash64(number, 6) % 200 AS packets,"
        + " toUInt64(pow(10, 2 + (cityHash64(number, 7) % 10000) / 2000.0)) AS up"
        + " FROM numbers(" + offset + ", " + count + "))";
  }

  /** Bytes on disk per row of each table (active parts), and of each flows column (wide parts: compact ones do not say). */
  private static void bytesPerRow(ClickHouseStore store) throws StoreException {
    System.out.println("bench: table\trows\tbytes on disk\tbytes per row");
    System.out.print(store.query("SELECT 'bench: ' || table, sum(rows), sum(bytes_on_disk), round(sum(bytes_on_disk) / sum(rows), 1)"
        + " FROM system.parts WHERE active AND database = currentDatabase() AND table IN ('flows', 'flow_totals_1m', 'flow_totals_1h',"
        + " 'flow_totals_1d', 'host_vendor_contact', 'host_vendor_service_1m') GROUP BY table ORDER BY table FORMAT TSVRaw"));
    System.out.println("bench: flows column\tcodec\tbytes per row (compressed)\tuncompressed");
    System.out.print(store.query("SELECT 'bench: ' || column, any(c.compression_codec),"
        + " round(sum(column_data_compressed_bytes) / sum(rows), 2), round(sum(column_data_uncompressed_bytes) / sum(rows), 2)"
        + " FROM system.parts_columns AS p LEFT JOIN (SELECT name, compression_codec FROM system.columns"
        + " WHERE database = currentDatabase() AND table = 'flows') AS c ON c.name = p.column"
        + " WHERE active AND database = currentDatabase() AND table = 'flows' AND part_type = 'Wide'"
        + " GROUP BY column ORDER BY sum(column_data_compressed_bytes) DESC FORMAT TSVRaw"));
    System.out.print(store.query("SELECT 'bench: flows rows in wide parts: ' || toString(sumIf(rows, part_type = 'Wide'))"
        + " || ' of ' || toString(sum(rows)) FROM system.parts WHERE active AND database = currentDatabase() AND table = 'flows'"
        + " FORMAT TSVRaw"));
  }

  /** Inserts {@link #RATE} flows a second, now-stamped, as the job's sink does, until interrupted. */
  private static void writeSteadily(ClickHouseStore store, AtomicLong written, AtomicReference<Throwable> failed) {
    RowBinaryWriter out = new RowBinaryWriter(RATE * 200);
    long sequence = 1L << 40;
    long next = System.nanoTime();
    try {
      while (!Thread.currentThread().isInterrupted()) {
        out.reset();
        Instant now = Instant.now();
        for (int i = 0; i < RATE; i++) {
          long n = sequence++;
          int host = (int) Long.remainderUnsigned(n * 0x9E3779B97F4A7C15L, HOSTS);
          int vendor = (int) ((host + n % 3) % 8);
          FlowRecord flow = FlowRecord.newBuilder(SampleRecords.anthropicOverIpv4(n))
              .setSensorId("sensor-" + host % 40).setHost("host-" + host).setHostTeam("team-" + host % 20)
              .setHostOwner("owner-" + host).setSrcPort(32768 + (int) (n % 28232))
              .setFirstSeen(now.minusMillis(50 + n % 120_000)).setLastSeen(now.minusNanos(i * 1_000L))
              .setBytesUp(100 + n % 1_000_000).setVendor("vendor-" + vendor).setService("vendor-" + vendor + "-" + n % 2)
              .setCategory("llm-api").setCommunityId(communityId(n)).build();
          FlowRows.encode(out, flow);
        }
        store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray(), "bench-writer-" + sequence);
        written.addAndGet(RATE);
        next += 1_000_000_000L;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } else {
          next = System.nanoTime(); // behind: insert the next batch at once, then keep the pace
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      failed.set(e);
    }
  }

  private static String communityId(long n) {
    try {
      byte[] sha1 = java.security.MessageDigest.getInstance("SHA-1").digest(Long.toString(n).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return "1:" + java.util.Base64.getEncoder().encodeToString(sha1);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The console's parameters for a preset range of {@code seconds} ending now (state.js: range, bucketFor). */
  private static Map<String, String> parameters(long seconds, Instant dataEnd) {
    long whole = seconds >= 86_400 ? 3_600 : 60;
    long until = -Math.floorDiv(-Math.max(Instant.now().getEpochSecond(), dataEnd.getEpochSecond()), whole) * whole;
    long bucket = Arrays.stream(new long[] {60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 86400})
        .filter(step -> seconds / step <= 150).findFirst().orElse(86400);
    Map<String, String> values = new LinkedHashMap<>();
    values.put("since", Instant.ofEpochSecond(until - seconds).toString());
    values.put("until", Instant.ofEpochSecond(until).toString());
    values.put("bucket_seconds", Long.toString(bucket));
    values.put("host", "host-7");
    values.put("vendor", "vendor-3");
    return values;
  }

  /** The query as the console sends it: its own parameters from {@code values}, a page's subject where it needs one. */
  private static String render(String name, Map<String, String> values, Instant now) {
    NamedQuery query = NamedQueries.get(name);
    Map<String, String> given = new LinkedHashMap<>();
    for (NamedQuery.Parameter parameter : query.parameters()) {
      String value = values.get(parameter.name());
      boolean subject = parameter.name().equals("host") || parameter.name().equals("vendor");
      if (value != null && (!subject || parameter.defaultValue() == null)) {
        given.put(parameter.name(), value);
      }
    }
    if (name.equals("alerts")) {
      given.put("limit", "10");
    }
    return query.render(given, now);
  }

  private static void measure(ClickHouseStore store, String name, String range, Map<String, String> values, Instant end)
      throws StoreException {
    String sql = render(name, values, Instant.now());
    String tier = NamedQuery.TIERS.stream().map(t -> "flow_totals" + t.suffix()).filter(sql::contains).findFirst().orElse(null);
    long[] onTier = time(store, sql);
    if (tier == null || tier.endsWith("_raw")) {
      System.out.printf("bench: %s\t%s\t%s\t%.1f\t%.1f%n", range, name, tier == null ? "(own table)" : tier,
          onTier[0] / 1e6, onTier[1] / 1e6);
      return;
    }
    long[] onRaw = time(store, sql.replace(tier, "flow_totals_raw"));
    System.out.printf("bench: %s\t%s\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f%n", range, name, tier, onTier[0] / 1e6,
        onTier[1] / 1e6, onRaw[0] / 1e6, onRaw[1] / 1e6, (double) onRaw[0] / onTier[0]);
  }

  /** The overview page's wall time: its queries sent at once (as pages/overview.js does), p50 and p95 of {@link #RUNS} pages. */
  private static long[] overviewPage(ClickHouseStore store, Map<String, String> values, Instant end) throws Exception {
    List<String> sqls = OVERVIEW.stream().map(name -> render(name, values, Instant.now())).toList();
    ExecutorService browser = Executors.newFixedThreadPool(sqls.size());
    try {
      List<Long> times = new ArrayList<>();
      for (int run = -2; run < RUNS; run++) {
        long start = System.nanoTime();
        List<Future<String>> answers = new ArrayList<>();
        for (String sql : sqls) {
          answers.add(browser.submit(() -> store.query(sql + " FORMAT Null")));
        }
        for (Future<String> answer : answers) {
          answer.get();
        }
        if (run >= 0) {
          times.add(System.nanoTime() - start);
        }
      }
      return percentiles(times);
    } finally {
      browser.shutdownNow();
    }
  }

  /** p50 and p95 in nanoseconds of {@link #RUNS} runs after two warm-up runs. */
  private static long[] time(ClickHouseStore store, String sql) throws StoreException {
    store.query(sql + " FORMAT Null");
    store.query(sql + " FORMAT Null");
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      store.query(sql + " FORMAT Null");
      times.add(System.nanoTime() - start);
    }
    return percentiles(times);
  }

  private static long[] percentiles(List<Long> times) {
    long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
    return new long[] {sorted[(sorted.length - 1) / 2], sorted[(int) Math.ceil(sorted.length * 0.95) - 1]};
  }

  private static Map<String, Long> presets() {
    Map<String, Long> presets = new LinkedHashMap<>();
    presets.put("1h", 3_600L);
    presets.put("24h", 86_400L);
    presets.put("7d", 7 * 86_400L);
    presets.put("30d", MONTH);
    return presets;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
