package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.schema.FlowRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * new_vendor_pairs reads first contacts from host_vendor_first_contact (migration 062) instead of
 * grouping every pair stored; its answer must still be the pairs whose earliest record (over
 * everything stored) falls in the range, as computed here from the records themselves. The records
 * arrive as a live fleet's do: a pair's earliest record often after later ones (a long connection
 * reported when it ends), and a pair's first row written twice by two writers at once (the job's
 * sink subtasks on a server). Part of the store was written before 062 and is taken over by the
 * migration's fill.
 */
class NewVendorPairsTest {

  private static final Instant NOW = Instant.parse("2026-12-06T15:00:00Z");
  private static final String[] VENDORS = {"anthropic", "openai", "deepseek", "mistral"};
  private static final String[] TEAMS = {"payments", "ml", ""};

  @TempDir Path dataDir;

  private record Pair(String host, String vendor) {}

  @Test
  void theNewestFirstContactsOfARangeAreThoseOfTheRecords() throws Exception {
    List<FlowRecord> flows = flows(new Random(62));
    List<Migration> all = Migrations.bundledFiles();
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      new Migrations(store, BundledMigrations.without(62)).apply();
      List<byte[]> batches = batches(flows, 40);
      insert(store, batches.subList(0, 8)); // written before 062: its fill takes them over
      new Migrations(store, all).apply();
      insert(store, batches.subList(8, batches.size()));
      // Rows a later-written earlier contact replaced: a pair's rows but its earliest.
      long replaced = Long.parseLong(store.query("SELECT count() - uniqExact(host, vendor) FROM host_vendor_first_contact").strip());
      assertTrue(replaced >= 10, "the fleet must report pairs' earliest records late to test the rows they replace: " + replaced);
      // Two writers inserting at the same moment (the job's sink subtasks on a server) both find a
      // pair new and both write its first row. The embedded engine runs one insert at a time, so
      // such rows are written here as a server's second writer would: a later first row of a pair.
      store.query("INSERT INTO host_vendor_first_contact SELECT first_seen + toIntervalSecond(90), host, vendor, host_team,"
          + " ingested_at FROM host_vendor_first_contact WHERE cityHash64(host, vendor) % 3 = 0");

      Instant start = flows.stream().map(FlowRecord::getFirstSeen).min(Comparator.naturalOrder()).orElseThrow()
          .truncatedTo(ChronoUnit.DAYS);
      for (int hours : new int[] {1, 6, 24, 72}) {
        for (int offset = 0; offset + hours <= 72; offset += Math.max(hours, 5)) {
          Instant since = start.plus(Duration.ofHours(offset));
          Instant until = since.plus(Duration.ofHours(hours));
          for (String team : new String[] {"", "ml"}) {
            for (int limit : new int[] {3, 20, 1000}) {
              assertEquals(expected(flows, since, until, team, limit), actual(store, since, until, team, limit),
                  "new_vendor_pairs since " + since + " until " + until + " team '" + team + "' limit " + limit);
            }
          }
        }
      }
    }
  }

  /**
   * Hosts start using vendors at random times over three days; a pair's connections fall in the
   * six hours after its start and last up to two hours, so its first is often reported after later ones.
   */
  private static List<FlowRecord> flows(Random random) {
    Instant start = SampleRecords.at(SampleRecords.DAY, "00:00:00");
    List<FlowRecord> flows = new ArrayList<>();
    for (int host = 0; host < 40; host++) {
      for (String vendor : VENDORS) {
        if (random.nextInt(10) < 3) {
          continue;
        }
        Instant pairStart = start.plusSeconds(random.nextInt(3 * 86_400 - 8 * 3_600));
        for (int i = 0; i < 15; i++) {
          Instant first = pairStart.plusSeconds(random.nextInt(6 * 3_600)).plusNanos(random.nextInt(1_000_000) * 1000L);
          flows.add(FlowRecord.newBuilder(SampleRecords.anthropicOverIpv4(flows.size()))
              .setHost("host-" + host)
              .setHostTeam(TEAMS[host % TEAMS.length])
              .setVendor(vendor)
              .setFirstSeen(first)
              .setLastSeen(first.plusSeconds(random.nextInt(7_200)))
              .setBytesUp(1 + random.nextInt(1_000_000))
              .setCommunityId("1:flow-" + flows.size())
              .build());
        }
      }
    }
    return flows;
  }

  /** Records reach the store when they end (last seen), in batches; within reach of a batch, in any order. */
  private static List<byte[]> batches(List<FlowRecord> flows, int count) {
    List<FlowRecord> byEnd = new ArrayList<>(flows);
    byEnd.sort(Comparator.comparing(FlowRecord::getLastSeen));
    List<byte[]> batches = new ArrayList<>();
    int size = (byEnd.size() + count - 1) / count;
    for (int from = 0; from < byEnd.size(); from += size) {
      List<FlowRecord> batch = new ArrayList<>(byEnd.subList(from, Math.min(from + size, byEnd.size())));
      Collections.shuffle(batch, new Random(from));
      RowBinaryWriter out = new RowBinaryWriter();
      for (FlowRecord flow : batch) {
        FlowRows.encode(out, flow);
      }
      batches.add(out.toByteArray());
    }
    return batches;
  }

  private static void insert(EmbeddedChdbStore store, List<byte[]> batches) throws Exception {
    for (byte[] batch : batches) {
      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, batch);
    }
  }

  /** host, team, vendor, first seen (seconds), bytes up in the range: computed from the records. */
  private static List<String> expected(List<FlowRecord> flows, Instant since, Instant until, String team, int limit) {
    Map<Pair, FlowRecord> earliest = new HashMap<>();
    Map<Pair, Long> bytes = new HashMap<>();
    for (FlowRecord flow : flows) {
      if (!team.isEmpty() && !flow.getHostTeam().equals(team)) {
        continue;
      }
      Pair pair = new Pair(flow.getHost(), flow.getVendor());
      earliest.merge(pair, flow, (a, b) -> b.getFirstSeen().isBefore(a.getFirstSeen()) ? b : a);
      if (!flow.getLastSeen().isBefore(since) && flow.getLastSeen().isBefore(until)) {
        bytes.merge(pair, flow.getBytesUp(), Long::sum);
      }
    }
    return earliest.entrySet().stream()
        .filter(e -> !e.getValue().getFirstSeen().isBefore(since) && e.getValue().getFirstSeen().isBefore(until))
        .sorted(Comparator.<Map.Entry<Pair, FlowRecord>, Instant>comparing(e -> e.getValue().getFirstSeen()).reversed()
            .thenComparing(e -> e.getKey().host()).thenComparing(e -> e.getKey().vendor()))
        .limit(limit)
        .map(e -> String.join("\t", e.getKey().host(), e.getValue().getHostTeam(), e.getKey().vendor(),
            e.getValue().getFirstSeen().truncatedTo(ChronoUnit.SECONDS).toString(), String.valueOf(bytes.getOrDefault(e.getKey(), 0L))))
        .toList();
  }

  private static List<String> actual(EmbeddedChdbStore store, Instant since, Instant until, String team, int limit) throws Exception {
    Map<String, String> parameters = Map.of("since", since.toString(), "until", until.toString(), "team", team,
        "limit", String.valueOf(limit));
    String sql = "SELECT host, team, vendor, formatDateTime(first_seen, '%Y-%m-%dT%H:%i:%SZ', 'UTC'), bytes_up FROM ("
        + NamedQueries.get("new_vendor_pairs").render(parameters, NOW) + ") FORMAT TSVRaw";
    return store.query(sql).lines().toList();
  }
}
