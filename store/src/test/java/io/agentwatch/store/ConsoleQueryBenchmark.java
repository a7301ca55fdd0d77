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
 * (1 h, 24 h, 7 d, 30 d; the range ends on the next whole minute, hour for a day, UTC day for 7 d
 * and more, as state.js rounds it) it reports each query's p50/p95 and rows to read per table, the same query
 * on the raw records (every rollup it reads replaced by that family's {@code _raw} view) where it
 * reads a rollup (with {@code .baseline}, the query's file as it was before 060 instead: what
 * the console asked of the records before the panel rollups), and the overview page's wall time with its queries sent at once as the
 * browser does; and bytes on disk per row of each table and per column of {@code flows}
 * (BENCHMARKS.md, Store). Queries run as the console's do: {@link EmbeddedChdbStore#queryReadOnly},
 * what {@code up}'s ClickHouse HTTP interface serves. {@code bench/console-queries.sh} runs it.
 *
 * <p>Settings (system properties): {@code agentwatch.bench.rows} (flows rows of the fill, 10 M),
 * {@code .runs} (timed runs per query, 11), {@code .raw-runs} (of the same query on the records, 5; 0: not timed),
 * {@code .fill-only} (stop once filled: a run for the fill, another for the timings), {@code .rate} (rows a second the writer inserts, 2 000),
 * {@code .hosts} (30 000), {@code .dir} (a data directory kept between runs), {@code .ranges} and
 * {@code .queries} (comma-separated presets and query names to time, e.g. "24h,30d"; the overview page is
 * timed for each range whatever the queries), {@code .fill-seconds}
 * (how long one run may fill, 780: a fill that needs longer stops there, says so, and the next run
 * with the same directory goes on from where it stopped; the timings run once the fill is whole).
 *
 * <p>The fleet (made by the engine, INSERT ... SELECT of 1 M rows from numbers(), so the
 * materialized views fill the rollups as the sink's inserts do): {@code .hosts} hosts in 60 teams of
 * skewed sizes behind 100 sensors; sessions of 40 flows 30–90 s apart, each of one host with one
 * vendor × service: the host's usual vendor 7 times in 10, else any, vendors skewed as in a real
 * fleet (Anthropic and OpenAI a quarter each, Copilot a sixth, then Gemini, Cursor and six more);
 * times to the microsecond, random ephemeral ports, flow sizes spread over five decades,
 * real-looking Community IDs (the SHA-1 of a number). While it fills, two views of the benchmark's
 * own write what the job would: the job's minutes ({@code host_vendor_service_1m}) and one alert per
 * 5 000 flows naming a flow as its top flow; they are dropped before the timings.
 */
@EnabledIfSystemProperty(named = "agentwatch.bench", matches = "true")
class ConsoleQueryBenchmark {

  private static final long ROWS = Long.getLong("agentwatch.bench.rows", 10_000_000L);
  private static final int RUNS = Integer.getInteger("agentwatch.bench.runs", 11);
  private static final int RATE = Integer.getInteger("agentwatch.bench.rate", 2_000);
  private static final int HOSTS = Integer.getInteger("agentwatch.bench.hosts", 30_000);
  private static final long FILL_SECONDS = Long.getLong("agentwatch.bench.fill-seconds", 780);
  private static final boolean FILL_ONLY = Boolean.getBoolean("agentwatch.bench.fill-only");
  private static final int RAW_RUNS = Integer.getInteger("agentwatch.bench.raw-runs", 5);
  /** The named queries as they were before the panel rollups (060): the "raw" side reads flows as they did. */
  private static final Path BASELINE = System.getProperty("agentwatch.bench.baseline") == null ? null
      : Path.of(System.getProperty("agentwatch.bench.baseline"));
  private static final long BLOCK = 1_000_000;
  private static final long MONTH = 30 * 86_400L;
  private static final int FLOWS_PER_SESSION = 40;
  /** The writer's sequence numbers start here; the fill's are below. */
  private static final long WRITER_SEQUENCE = 1L << 40;
  /** Vendors weighted as a fleet uses them: one entry per 1/32 of the sessions. */
  private static final List<String> VENDORS = weighted("anthropic 8, openai 8, github-copilot 5, google-gemini 3,"
      + " cursor 2, mistral 1, deepseek 1, xai 1, openrouter 1, jetbrains-ai 1, amazon-q 1");
  /** The rollup families a named query can read ({@code {NAME:Rollup}}). */
  private static final List<String> FAMILIES = List.of("vendor_totals", "flow_totals", "host_rollup");
  /** Only these presets ({@code .ranges}, e.g. "24h,30d") and queries ({@code .queries}), for a run under 15 minutes; all when unset. */
  private static final List<String> ONLY_RANGES = listProperty("agentwatch.bench.ranges");
  private static final List<String> ONLY_QUERIES = listProperty("agentwatch.bench.queries");

  /** The console's presets (state.js), in seconds. */
  private static final Map<String, Long> RANGES = presets();

  /** The overview page's queries, as pages/overview.js sends them. */
  private static final List<String> OVERVIEW = List.of("fleet_summary", "fleet_overview", "top_hosts", "incidents",
      "new_vendor_pairs");

  /** The columns the overview page asks of a query where it shows some only (its chart draws bytes). */
  private static final Map<String, List<String>> ASKED_COLUMNS = Map.of("fleet_overview", List.of("time", "vendor", "bytes_up"));

  /** The other pages' queries over a range (host, team, vendor, alerts pages), each once. */
  private static final List<String> OTHERS = List.of("fleet_totals", "top_teams", "top_vendors", "alerts", "vendor_detail", "host_vendors", "host_clients", "host_minutes",
      "alert_timeline", "host_exposure", "host_vendor_exposure");

  @TempDir Path temporary;

  @Test
  void consoleQueriesWhileFlowsAreInserted() throws Exception {
    Path dir = System.getProperty("agentwatch.bench.dir") != null ? Path.of(System.getProperty("agentwatch.bench.dir")) : temporary;
    Files.createDirectories(dir);
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dir)) {
      Migrations.bundled(store).apply();
      Instant end = fillEnd(dir);
      if (!fill(store, end) || FILL_ONLY) {
        return;
      }
      System.out.printf("bench: %d flows rows of the fill in %s, the newest at %s%n", filled(store), dir, end);
      bytesPerRow(store);

      AtomicLong written = new AtomicLong();
      AtomicReference<Throwable> writerFailed = new AtomicReference<>();
      Thread writer = new Thread(() -> writeSteadily(store, written, writerFailed), "bench-writer");
      writer.setDaemon(true);
      long writerStart = System.nanoTime();
      writer.start();
      try {
        Thread.sleep(3_000); // the writer's first batches are in, merges under way
        System.out.println("bench: range\tquery\ttier\tp50 ms\tp95 ms\trows to read\traw p50 ms\traw p95 ms\traw rows to read\traw/tier p50");
        for (Map.Entry<String, Long> range : RANGES.entrySet()) {
          if (!ONLY_RANGES.isEmpty() && !ONLY_RANGES.contains(range.getKey())) {
            continue;
          }
          Map<String, String> parameters = parameters(range.getValue(), end);
          for (String name : concat(OVERVIEW, OTHERS)) {
            if (ONLY_QUERIES.isEmpty() || ONLY_QUERIES.contains(name)) {
              measure(store, name, range.getKey(), parameters);
            }
          }
          long[] page = overviewPage(store, parameters);
          System.out.printf("bench: %s\toverview page (%d queries at once)\t-\t%.0f\t%.0f%n", range.getKey(), OVERVIEW.size(),
              page[0] / 1e6, page[1] / 1e6);
        }
        Map<String, String> alert = Map.of("alert_id", store.query("SELECT alert_id FROM alerts ORDER BY window_start DESC LIMIT 1 FORMAT TSV").trim());
        for (String name : List.of("alert", "alert_flows")) {
          if (ONLY_QUERIES.isEmpty() || ONLY_QUERIES.contains(name)) {
            measure(store, name, "one alert", alert);
          }
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

  /** The end of the fill's month: the hour the fill began, kept in the directory so a later run goes on with the same month. */
  private static Instant fillEnd(Path dir) throws java.io.IOException {
    Path file = dir.resolve("bench-fill-end");
    if (Files.exists(file)) {
      return Instant.parse(Files.readString(file).strip());
    }
    Instant end = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 3600 * 3600);
    Files.writeString(file, end.toString());
    return end;
  }

  /** Rows of the fill in flows (the writer's have sequence numbers from {@link #WRITER_SEQUENCE}). */
  private static long filled(ClickHouseStore store) throws StoreException {
    return Long.parseLong(store.query("SELECT count() FROM flows WHERE sequence < " + WRITER_SEQUENCE + " FORMAT TSV").trim());
  }

  /**
   * Fills the month ending at {@code end} from where the directory's fill stopped, for at most
   * {@link #FILL_SECONDS}; true when it holds {@link #ROWS} rows.
   */
  private static boolean fill(ClickHouseStore store, Instant end) throws StoreException {
    long stored = filled(store);
    if (stored >= ROWS) {
      return true;
    }
    // What the job writes beside flows, made from each inserted block (dropped before the timings).
    store.execute("CREATE MATERIALIZED VIEW IF NOT EXISTS bench_minutes_mv TO host_vendor_service_1m AS"
        + " SELECT host, vendor, service, toStartOfMinute(toDateTime(flows.last_seen, 'UTC')) AS window_start,"
        + " sum(flows.bytes_up) AS bytes_up, sum(flows.bytes_down) AS bytes_down, sum(flows.packets_up) AS packets_up,"
        + " sum(flows.packets_down) AS packets_down, count() AS flows, uniqExact(flows.dst_ip) AS distinct_destinations,"
        + " max(flows.bytes_up) AS max_upload FROM flows WHERE vendor != '' GROUP BY host, vendor, service, window_start");
    store.execute("CREATE MATERIALIZED VIEW IF NOT EXISTS bench_alerts_mv TO alerts AS"
        + " SELECT 'bench-' || toString(sequence) AS alert_id, 'upload-spike' AS detector, host, vendor, service,"
        + " toStartOfMinute(toDateTime(last_seen, 'UTC')) AS window_start, window_start + 60 AS window_end,"
        + " toFloat64(bytes_up) AS observed, bytes_up / 10 AS baseline, 10 AS score,"
        + " [community_id || ' (' || toString(bytes_up) || ' B up)'] AS top_flows,"
        + " 'bench' AS reason, alert_id AS incident_id, 'open' AS state, 1 AS version, host_team"
        + " FROM flows WHERE sequence % 5000 = 0");
    long start = System.nanoTime();
    long offset = stored;
    while (offset < ROWS && System.nanoTime() - start < FILL_SECONDS * 1_000_000_000L) {
      store.execute(fleetFlows(end, offset, Math.min(BLOCK, ROWS - offset)));
      offset = filled(store);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("bench: filled %d flows rows (%d to %d of %d) in %.0f s: %.0f rows/s with the rollups' views%n",
        offset - stored, stored, offset, ROWS, seconds, (offset - stored) / seconds);
    if (offset < ROWS) {
      System.out.printf("bench: the fill stopped after %d s at %d of %d rows: run again with the same directory to go on%n",
          FILL_SECONDS, offset, ROWS);
      return false;
    }
    store.execute("DROP VIEW IF EXISTS bench_minutes_mv");
    store.execute("DROP VIEW IF EXISTS bench_alerts_mv");
    return true;
  }

  /**
   * {@code count} flows rows from row {@code offset} of the fleet's month ending at {@code end}
   * (see the class comment): session s of the month's sessions starts s/sessions into the month
   * plus up to an hour, so the rows come in time order, a day or so per block.
   */
  static String fleetFlows(Instant end, long offset, long count) {
    long sessions = Math.max(1, ROWS / FLOWS_PER_SESSION);
    long span = MONTH - 2 * 3600; // the last sessions end before the month does
    long start = end.getEpochSecond() - MONTH;
    String vendors = VENDORS.stream().map(v -> "'" + v + "'").collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    return "INSERT INTO flows (sensor_id, sequence, host, host_team, host_owner, src_ip, src_port, dst_ip, dst_port, transport,"
        + " first_seen, last_seen, packets_up, packets_down, bytes_up, bytes_down, sni, alpn, ja4, dns_name, vendor, service,"
        + " category, identified_by, end_reason, ech, community_id_from_tuple, confidence, ingested_at)"
        + " SELECT 'sensor-' || toString(h % 100), number, 'host-' || toString(h),"
        + " 'team-' || toString(toUInt32(60 * pow(h / " + HOSTS + ", 2))), 'owner-' || toString(h),"
        + " toIPv6(IPv4NumToString(toUInt32(167772160 + h))), toUInt16(32768 + cityHash64(number, 2) % 28232),"
        + " toIPv6(IPv4NumToString(toUInt32(2689558528 + cityHash64(v) % 65536 * 256 + cityHash64(number, 3) % 4))), 443,"
        + " if(s = 'web', 'udp', 'tcp'), fromUnixTimestamp64Micro(toInt64(us - duration), 'UTC'),"
        + " fromUnixTimestamp64Micro(toInt64(us), 'UTC'), packets, packets * 2 + cityHash64(number, 8) % 50, up,"
        + " toUInt64(pow(10, 2 + (cityHash64(number, 9) % 10000) / 2000.0)), sni, if(s = 'web', 'h3', 'h2'),"
        + " ['t13d1516h2_8daaf6152771_e5627efa2ab1', 't13d1517h2_8daaf6152771_b0da82dd1658',"
        + " 't13d311000_e8f1e7e78f70_d41ae481755e'][1 + (h + session % 2) % 3], if(number % 3 = 0, '', sni),"
        + " v, v || '-' || s, if(s = 'web', 'chat', 'llm-api'), if(number % 50 = 0, 'dns', 'sni'),"
        + " ['fin', 'fin', 'fin', 'rst', 'idle'][1 + number % 5], 0, 1, 'high',"
        + " toDateTime(intDiv(us, 1000000) + 2, 'UTC')"
        + " FROM (SELECT number, intDiv(number, " + FLOWS_PER_SESSION + ") AS session, cityHash64(session, 1) % " + HOSTS + " AS h,"
        + " " + vendors + " AS vendors,"
        + " if(cityHash64(session, 3) % 10 < 7, vendors[1 + cityHash64(h, 2) % 32], vendors[1 + cityHash64(session, 4) % 32]) AS v,"
        + " ['api', 'web'][1 + cityHash64(session, 5) % 2] AS s, if(s = 'web', 'chat.', 'api.') || v || '.com' AS sni,"
        + " toInt64(" + start + " + intDiv(session * " + span + ", " + sessions + ") + cityHash64(session, 6) % 3600"
        + " + (number % " + FLOWS_PER_SESSION + ") * (30 + cityHash64(number, 7) % 60)) * 1000000"
        + " + cityHash64(number, 4) % 1000000 AS us,"
        + " 50000 + cityHash64(number, 5) % 120000000 AS duration, 5 + cityHash64(number, 6) % 200 AS packets,"
        + " toUInt64(pow(10, 2 + (cityHash64(number, 10) % 10000) / 2000.0)) AS up"
        + " FROM numbers(" + offset + ", " + count + "))";
  }

  /** Bytes on disk per row of each table (active parts), and of each flows column (wide parts: compact ones do not say). */
  private static void bytesPerRow(ClickHouseStore store) throws StoreException {
    System.out.println("bench: table\trows\tbytes on disk\tbytes per row");
    System.out.print(store.query("SELECT 'bench: ' || table, sum(rows), sum(bytes_on_disk), round(sum(bytes_on_disk) / sum(rows), 1)"
        + " FROM system.parts WHERE active AND database = currentDatabase() AND table IN ('flows', 'flow_totals_1m', 'flow_totals_1h',"
        + " 'flow_totals_1d', 'vendor_totals_1m', 'vendor_totals_1h', 'vendor_totals_1d', 'host_rollup_1h', 'host_rollup_1d',"
        + " 'host_vendor_contact', 'host_vendor_service_1m') GROUP BY table ORDER BY table FORMAT TSVRaw"));
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
    long sequence;
    try {
      // After an earlier run's rows: the same sequence would make the same tokens, which the store drops as re-sent.
      sequence = Math.max(WRITER_SEQUENCE, 1 + Long.parseLong(store.query("SELECT max(sequence) FROM flows FORMAT TSV").strip()));
    } catch (StoreException e) {
      failed.set(e);
      return;
    }
    long next = System.nanoTime();
    try {
      while (!Thread.currentThread().isInterrupted()) {
        out.reset();
        Instant now = Instant.now();
        for (int i = 0; i < RATE; i++) {
          long n = sequence++;
          int host = (int) Long.remainderUnsigned(n * 0x9E3779B97F4A7C15L, HOSTS);
          String vendor = VENDORS.get((int) Long.remainderUnsigned(n * 0xC2B2AE3D27D4EB4FL, VENDORS.size()));
          FlowRecord flow = FlowRecord.newBuilder(SampleRecords.anthropicOverIpv4(n))
              .setSensorId("sensor-" + host % 100).setHost("host-" + host)
              .setHostTeam("team-" + (int) (60 * Math.pow((double) host / HOSTS, 2)))
              .setHostOwner("owner-" + host).setSrcPort(32768 + (int) (n % 28232))
              .setFirstSeen(now.minusMillis(50 + n % 120_000)).setLastSeen(now.minusNanos(i * 1_000L))
              .setBytesUp(100 + n % 1_000_000).setVendor(vendor).setService(vendor + (n % 2 == 0 ? "-api" : "-web"))
              .setCategory(n % 2 == 0 ? "llm-api" : "chat").build();
          flow.setCommunityId(sensorsCommunityId(flow));
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

  /** The Community ID a sensor gives this IPv4 TCP flow (as the fill's rows have, from their own columns). */
  private static String sensorsCommunityId(FlowRecord flow) {
    return io.agentwatch.schema.CommunityId.of(4, 0, io.agentwatch.schema.AddressLiterals.plainIpv4(flow.getSrcIp()),
        flow.getSrcPort(), 0, io.agentwatch.schema.AddressLiterals.plainIpv4(flow.getDstIp()), flow.getDstPort(), 6);
  }


  /**
   * The console's parameters for a preset range of {@code seconds} ending now (state.js: range,
   * bucketFor): the next whole minute, hour for a day, UTC day for 7 days and more.
   */
  private static Map<String, String> parameters(long seconds, Instant dataEnd) {
    long whole = seconds >= 7 * 86_400 ? 86_400 : seconds >= 86_400 ? 3_600 : 60;
    long until = -Math.floorDiv(-Math.max(Instant.now().getEpochSecond(), dataEnd.getEpochSecond()), whole) * whole;
    long least = seconds >= 30 * 86_400 ? 86_400 : seconds >= 86_400 ? 3_600 : 60;
    long bucket = Arrays.stream(new long[] {60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 86400})
        .filter(step -> step >= least && seconds / step <= 150).findFirst().orElse(86400);
    Map<String, String> values = new LinkedHashMap<>();
    values.put("since", Instant.ofEpochSecond(until - seconds).toString());
    values.put("until", Instant.ofEpochSecond(until).toString());
    values.put("bucket_seconds", Long.toString(bucket));
    values.put("host", "host-7");
    values.put("vendor", "cursor");
    return values;
  }

  /** The query as the console sends it: its own parameters from {@code values}, a page's subject where it needs one. */
  private static String render(String name, Map<String, String> values, Instant now) {
    return render(NamedQueries.get(name), values, now);
  }

  private static String render(NamedQuery query, Map<String, String> values, Instant now) {
    String name = query.name();
    Map<String, String> given = new LinkedHashMap<>();
    for (NamedQuery.Parameter parameter : query.parameters()) {
      String value = values.get(parameter.name());
      boolean subject = parameter.name().equals("host") || parameter.name().equals("vendor");
      if (value != null && (!subject || parameter.defaultValue() == null)) {
        given.put(parameter.name(), value);
      }
    }
    if (name.equals("alerts") || name.equals("incidents")) {
      given.put("limit", "10");
    }
    List<String> columns = ASKED_COLUMNS.get(name);
    return columns == null ? query.render(given, now) : query.render(given, now, columns);
  }

  private static void measure(EmbeddedChdbStore store, String name, String range, Map<String, String> values)
      throws StoreException, java.io.IOException {
    String sql = render(name, values, Instant.now());
    List<String> read = new ArrayList<>();
    String raw = sql;
    for (String family : FAMILIES) {
      for (NamedQuery.Tier tier : NamedQuery.TIERS) {
        if (sql.contains(family + tier.suffix())) {
          read.add(family + tier.suffix());
          raw = raw.replace(family + tier.suffix(), family + "_raw");
        }
      }
    }
    long[] onTier = time(store, sql, RUNS);
    if (raw.equals(sql) || RAW_RUNS == 0) {
      System.out.printf("bench: %s\t%s\t%s\t%.1f\t%.1f\t%s%n", range, name, read.isEmpty() ? "(own table)" : String.join(" + ", read),
          onTier[0] / 1e6, onTier[1] / 1e6, rowsToRead(store, sql));
      return;
    }
    Path baseline = BASELINE == null ? null : BASELINE.resolve(name + ".sql");
    if (baseline != null && Files.exists(baseline)) {
      // The same panel on the records as the query read them before 060: uniqExact(host) over flows, no states.
      raw = render(NamedQuery.parse(name, Files.readString(baseline)), values, Instant.now());
      for (NamedQuery.Tier tier : NamedQuery.TIERS) {
        raw = raw.replace("flow_totals" + tier.suffix(), "flow_totals_raw");
      }
    }
    long[] onRaw = time(store, raw, RAW_RUNS);
    System.out.printf("bench: %s\t%s\t%s\t%.1f\t%.1f\t%s\t%.1f\t%.1f\t%s\t%.1f%n", range, name, String.join(" + ", read),
        onTier[0] / 1e6, onTier[1] / 1e6, rowsToRead(store, sql), onRaw[0] / 1e6, onRaw[1] / 1e6, rowsToRead(store, raw),
        (double) onRaw[0] / onTier[0]);
  }

  /**
   * The rows the query reads per table, as the engine plans it after the primary keys and
   * partitions pruned the parts ({@code EXPLAIN ESTIMATE}; chDB keeps no {@code system.query_log}):
   * "table rows + table rows".
   */
  private static String rowsToRead(EmbeddedChdbStore store, String sql) throws StoreException {
    String estimate = store.query("EXPLAIN ESTIMATE " + sql + " FORMAT TSV").strip();
    if (estimate.isEmpty()) {
      return "0";
    }
    return estimate.lines().map(line -> line.split("\t")).map(row -> row[1] + " " + row[3])
        .collect(java.util.stream.Collectors.joining(" + "));
  }

  /** The overview page's wall time: its queries sent at once (as pages/overview.js does), p50 and p95 of {@link #RUNS} pages. */
  private static long[] overviewPage(EmbeddedChdbStore store, Map<String, String> values) throws Exception {
    List<String> sqls = OVERVIEW.stream().map(name -> render(name, values, Instant.now())).toList();
    ExecutorService browser = Executors.newFixedThreadPool(sqls.size());
    try {
      List<Long> times = new ArrayList<>();
      for (int run = -2; run < RUNS; run++) {
        long start = System.nanoTime();
        List<Future<StatementResult>> answers = new ArrayList<>();
        for (String sql : sqls) {
          answers.add(browser.submit(() -> store.queryReadOnly(sql, "Null", "", Map.of())));
        }
        for (Future<StatementResult> answer : answers) {
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

  /**
   * p50 and p95 in nanoseconds of {@code runs} runs after two warm-up runs, each run as the
   * console's queries run ({@code queryReadOnly}).
   */
  private static long[] time(EmbeddedChdbStore store, String sql, int runs) throws StoreException {
    store.queryReadOnly(sql, "Null", "", Map.of());
    store.queryReadOnly(sql, "Null", "", Map.of());
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      store.queryReadOnly(sql, "Null", "", Map.of());
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

  private static List<String> listProperty(String name) {
    String value = System.getProperty(name, "").strip();
    return value.isEmpty() ? List.of() : List.of(value.split("\\s*,\\s*"));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Each name as many times as its weight ("name weight, ..."), in the order given. */
  private static List<String> weighted(String weights) {
    List<String> names = new ArrayList<>();
    for (String entry : weights.split(",\\s*")) {
      String[] nameAndWeight = entry.strip().split(" ");
      names.addAll(java.util.Collections.nCopies(Integer.parseInt(nameAndWeight[1]), nameAndWeight[0]));
    }
    return List.copyOf(names);
  }
}
