package io.agentwatch.cli;

import static io.agentwatch.cli.FlowsCommandTest.agentwatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.api.ApiServer;
import io.agentwatch.api.ResultFormat;
import io.agentwatch.cli.FlowsCommandTest.Run;
import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowContribution;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.HostVendorWindow;
import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.schema.Transport;
import io.agentwatch.stack.DataDirectory;
import io.agentwatch.store.AlertRows;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.FlowRows;
import io.agentwatch.store.HostVendorWindowRows;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.RowBinaryWriter;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.Stores;
import io.agentwatch.store.VendorRows;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `agentwatch report` on a known two-week fleet, stored through the store's insert path (flows,
 * one-minute windows and alerts as the job writes them): the HTML shows what the named queries
 * answer, week over week is computed right, Markdown and CSV carry the same, host names cannot
 * inject markup, an unknown team is said so.
 */
class ReportCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The report's range: the last whole week before today (UTC); the week before is compared. */
  private static final Instant UNTIL = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
  private static final Instant SINCE = UNTIL.minus(Duration.ofDays(7));
  private static final long MB = 1_000_000;
  /** A host name an attacker chose: it must show as text, never run. */
  private static final String INJECTED_HOST = "<script>alert('host')</script>";
  private static final String INJECTED_TEAM = "\"><img src=x onerror=alert(1)>";

  /** The scenario's HTML report, kept for people to look at (build output, not committed). */
  private static final Path ARTIFACT = Path.of("../target/app/report-example.html");

  @TempDir static Path dir;
  private static DataDirectory dataDir;

  /**
   * Last week: build-42 (platform) sent 100 MB to openai, laptop-7 (payments) 10 MB to anthropic.
   * This week: build-42 150 MB to openai (+50 %), laptop-7 5 MB to anthropic and 2 MB to mistral
   * (a new pair and a new vendor), the injected host 1 MB to anthropic (anthropic: 6 vs 10 MB,
   * -40 %). Fleet: 158 MB vs 110 MB up. One alert on build-42, one on the injected host.
   */
  @BeforeAll
  static void storeTheTwoWeeks() throws Exception {
    SchemaTrust.ensure();
    dataDir = new DataDirectory(dir.resolve("data"));
    List<FlowRecord> flows = new ArrayList<>();
    flows.add(flow("build-42", "platform", "openai", days(-12), 60 * MB));
    flows.add(flow("build-42", "platform", "openai", days(-9), 40 * MB));
    flows.add(flow("laptop-7", "payments", "anthropic", days(-10), 10 * MB));
    flows.add(flow("build-42", "platform", "openai", days(6), 50 * MB));
    flows.add(flow("build-42", "platform", "openai", days(4), 50 * MB));
    flows.add(flow("build-42", "platform", "openai", days(2), 50 * MB));
    flows.add(flow("laptop-7", "payments", "anthropic", days(3), 5 * MB));
    flows.add(flow("laptop-7", "payments", "mistral", days(1), 2 * MB));
    flows.add(flow(INJECTED_HOST, INJECTED_TEAM, "anthropic", days(5), 1 * MB));
    try (ClickHouseStore store = Stores.open(StoreConfig.embedded(dataDir.clickhouse().toString()))) {
      Migrations.bundled(store).apply();
      RowBinaryWriter rows = new RowBinaryWriter();
      for (int i = 0; i < flows.size(); i++) {
        flows.get(i).setSequence(i);
        FlowRows.encode(rows, flows.get(i));
      }
      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, rows.toByteArray());
      rows.reset();
      for (FlowRecord flow : flows) {
        HostVendorWindowRows.encode(rows, window(flow));
      }
      store.insertRowBinary(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, rows.toByteArray());
      rows.reset();
      // What the catalog states and the reviewers decided: the exposure section weighs uploads by it.
      VendorRows.replace(store, List.of(
          new VendorRows.Entry("openai", "openai-api", "OpenAI", "llm-api", new VendorRows.Facts("no", "30d", "unknown", "unknown", "yes")),
          new VendorRows.Entry("mistral", "mistral-api", "Mistral AI", "llm-api", new VendorRows.Facts("yes", "unknown", "unknown", "unknown", "unknown"))));
      store.execute("ALTER TABLE vendors UPDATE policy_tag = 'sanctioned' WHERE vendor = 'openai' SETTINGS mutations_sync = 1");
      store.execute("ALTER TABLE vendors UPDATE policy_tag = 'unsanctioned' WHERE vendor = 'mistral' SETTINGS mutations_sync = 1");
      AlertRows.encode(rows, alert("build-42", "openai", days(2), "build-42 uploaded 50.0 MB to openai, 20 times its usual minute"));
      AlertRows.encode(rows, alert(INJECTED_HOST, "anthropic", days(5), "first contact <b>by</b> " + INJECTED_HOST));
      store.insertRowBinary(AlertRows.TABLE, AlertRows.COLUMNS, rows.toByteArray());
    }
  }

  @Test
  void theHtmlReportShowsTheSameTotalsAsTheNamedQueries() throws Exception {
    Path file = dir.resolve("week.html");
    Run run = report("--out", file.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.out(), "the report went to the file");
    assertEquals("", run.err(), "no progress lines when stderr is not a terminal");
    String html = Files.readString(file, StandardCharsets.UTF_8);
    Files.copy(file, ARTIFACT, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    JsonNode totals = query("fleet_totals").get(0);
    for (String column : new String[] {"bytes_up", "bytes_down", "hosts", "teams", "vendors"}) {
      assertEquals(totals.path(column).asLong(), card(html, column), column + " in the summary");
    }
    assertEquals(158 * MB, totals.path("bytes_up").asLong(), "the scenario's upload");
    assertTrue(html.contains(">" + ResultFormat.bytes(158 * MB) + "<"), "people read 158 MB: " + ResultFormat.bytes(158 * MB));

    Map<String, Map<String, String>> vendors = rows(html, "vendors", "vendor");
    JsonNode topVendors = query("top_vendors");
    assertEquals(topVendors.size(), vendors.size(), "one row per vendor: " + vendors.keySet());
    for (JsonNode vendor : topVendors) {
      Map<String, String> shown = vendors.get(vendor.path("vendor").asText());
      assertNotNull(shown, vendor.toString());
      for (String column : new String[] {"bytes_up", "bytes_down", "flows", "hosts", "teams"}) {
        assertEquals(vendor.path(column).asText(), shown.get(column), vendor.path("vendor").asText() + " " + column);
      }
    }

    Map<String, Map<String, String>> hosts = rows(html, "top_hosts", "host");
    JsonNode topHosts = query("top_hosts");
    assertEquals(topHosts.size(), hosts.size());
    for (JsonNode host : topHosts) {
      Map<String, String> shown = hosts.get(host.path("host").asText());
      assertNotNull(shown, "host " + host.path("host").asText() + " in " + hosts.keySet());
      assertEquals(host.path("bytes_up").asText(), shown.get("bytes_up"));
      assertEquals(host.path("team").asText(), shown.get("team"));
      assertEquals(host.path("top_vendor").asText(), shown.get("top_vendor"));
    }

    Map<String, Map<String, String>> teams = rows(html, "top_teams", "team");
    for (JsonNode team : query("top_teams")) {
      assertEquals(team.path("bytes_up").asText(), teams.get(team.path("team").asText()).get("bytes_up"), team.toString());
    }
    Map<String, Map<String, String>> pairs = rows(html, "new_vendor_pairs", "vendor");
    assertEquals(query("new_vendor_pairs").size(), pairs.size());
    assertEquals("laptop-7", pairs.get("mistral").get("host"));
    Map<String, Map<String, String>> alerts = rows(html, "alerts", "host");
    assertEquals("build-42 uploaded 50.0 MB to openai, 20 times its usual minute", alerts.get("build-42").get("reason"));

    assertTrue(html.contains("<time datetime=\"" + SINCE + "\">" + SINCE + "</time> to <time datetime=\"" + UNTIL + "\">"),
        "the range at the top, ISO-8601 UTC");
    assertEquals(2, count(html, "<svg "), "the vendor bars and the upload over time");
    assertEquals(3, count(html, "<polyline"), "one line per vendor over time");
  }

  /**
   * The section "Exposure by host" shows host_exposure's answer (docs/exposure.md): build-42's
   * 150 MB to a sanctioned API that does not train weigh 37.5, less than laptop-7's 7 MB, 2 of
   * them to an unsanctioned vendor that trains by default (5 × 1.875 + 2 × 5 = 19.38); anthropic
   * is not in the vendors table here, so it counts with unknown facts, unreviewed (1.875).
   */
  @Test
  void theReportShowsTheExposureOfEachHost() throws Exception {
    Path file = dir.resolve("exposure.html");
    assertEquals(0, report("--out", file.toString()).exitCode());
    String html = Files.readString(file, StandardCharsets.UTF_8);
    Map<String, Map<String, String>> shown = rows(html, "host_exposure", "host");
    JsonNode exposure = query("host_exposure");
    assertEquals(exposure.size(), shown.size(), shown.keySet().toString());
    for (JsonNode host : exposure) {
      Map<String, String> row = shown.get(host.path("host").asText());
      assertNotNull(row, host.toString());
      for (String column : new String[] {"exposure", "bytes_up", "top_vendor", "top_vendor_exposure"}) {
        assertEquals(host.path(column).asText(), row.get(column), host.path("host").asText() + " " + column);
      }
    }
    assertEquals(List.of("build-42", "laptop-7", INJECTED_HOST), List.copyOf(shown.keySet()), "highest exposure first");
    assertEquals("37.5", shown.get("build-42").get("exposure"));
    assertEquals("19.38", shown.get("laptop-7").get("exposure"));
    assertEquals("mistral", shown.get("laptop-7").get("top_vendor"));
    assertTrue(html.contains(">Exposure by host<"), "the section's title");

    Run markdown = report("--format", "md");
    assertEquals(0, markdown.exitCode(), markdown.err());
    assertTrue(markdown.out().contains("Exposure by host"), markdown.out());
    assertTrue(markdown.out().contains("| laptop-7 | payments | 19.4 | 7.00 MB | 2 | mistral | 10.0 |"), markdown.out());
    Run csv = report("--format", "csv");
    assertTrue(csv.out().contains("host_exposure,laptop-7,payments,19.38,7000000,2,mistral,10"), csv.out());
  }

  @Test
  void weekOverWeekComparesWithTheSevenDaysBefore() throws Exception {
    Path file = dir.resolve("wow.html");
    assertEquals(0, report("--out", file.toString()).exitCode());
    String html = Files.readString(file, StandardCharsets.UTF_8);

    assertEquals((158 - 110) / 110.0, Double.parseDouble(attribute(html, "upload_change")), 1e-9);
    assertTrue(html.contains(">+43.6 % vs. the previous period<"), "shown as a percentage");
    Map<String, Map<String, String>> vendors = rows(html, "vendors", "vendor");
    assertEquals(0.5, Double.parseDouble(vendors.get("openai").get("upload_change")), 1e-9);
    assertEquals(100 * MB, Long.parseLong(vendors.get("openai").get("previous_bytes_up")));
    assertEquals(-0.4, Double.parseDouble(vendors.get("anthropic").get("upload_change")), 1e-9);
    assertEquals("", vendors.get("mistral").get("upload_change"), "nothing before: no ratio");
    assertTrue(html.contains(">new</td>"), "mistral is new this week");
    assertTrue(html.contains(">-40.0 %</td>"), html);
  }

  @Test
  void markdownAndCsvCarryTheSameReport() {
    Run md = report("--format", "md");
    assertEquals(0, md.exitCode(), md.err());
    assertTrue(md.out().startsWith("# AI usage report: all teams\n\nFrom " + SINCE + " to " + UNTIL), md.out());
    assertTrue(md.out().contains("- Uploaded to AI vendors: **158 MB** (+43.6 % vs. the previous period)"), md.out());
    assertTrue(md.out().contains("| openai | 150 MB |"), md.out());
    assertTrue(md.out().contains("| laptop-7 | payments | mistral | " + SINCE.plus(Duration.ofDays(6)).plus(Duration.ofHours(10)) + " | 2.00 MB |"),
        md.out());
    assertTrue(md.out().contains("&lt;script&gt;alert('host')&lt;/script&gt;"), "markup escaped in Markdown");
    assertFalse(md.out().contains("<script>"), md.out());

    Run csv = report("--format", "csv");
    assertEquals(0, csv.exitCode(), csv.err());
    List<String> lines = csv.out().lines().toList();
    assertEquals("section,since,until,previous_since,team,generated_at", lines.get(0));
    assertTrue(lines.get(1).startsWith("range," + SINCE + "," + UNTIL + "," + SINCE.minus(Duration.ofDays(7)) + ",,"), lines.get(1));
    List<String> sections = lines.stream().filter(line -> line.startsWith("section,")).map(line -> line.split(",")[1]).toList();
    assertEquals(9, sections.size(), "range, totals, vendors, upload over time, five tables: " + sections);
    String totalsHeader = lines.stream().filter(line -> line.startsWith("section,bytes_up")).findFirst().orElseThrow();
    String totalsRow = lines.stream().filter(line -> line.startsWith("totals,")).findFirst().orElseThrow();
    Map<String, String> totals = zip(totalsHeader, totalsRow);
    assertEquals(Long.toString(158 * MB), totals.get("bytes_up"));
    assertEquals(Long.toString(110 * MB), totals.get("previous_bytes_up"));
    assertEquals((158 - 110) / 110.0, Double.parseDouble(totals.get("upload_change")), 1e-9);
    assertTrue(csv.out().contains("top_hosts,build-42,platform,"), csv.out());
  }

  @Test
  void hostNamesAreEscapedInTheHtml() {
    Run run = report();
    assertEquals(0, run.exitCode(), run.err());
    String html = run.out();
    assertTrue(html.contains("&lt;script&gt;alert(&#39;host&#39;)&lt;/script&gt;"), "the host shows as text");
    assertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "the team shows as text");
    assertTrue(html.contains("first contact &lt;b&gt;by&lt;/b&gt;"), "the reason too");
    Matcher element = Pattern.compile("<(script|img|iframe|object|embed|link|b)[\\s>]", Pattern.CASE_INSENSITIVE).matcher(html);
    assertFalse(element.find(), "no element comes from data: " + (element.hitEnd() ? "" : html.substring(element.start())));
    String withoutNamespaces = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assertFalse(withoutNamespaces.contains("://"), "nothing to fetch: the file opens offline");
  }

  @Test
  void aTeamWithoutDataIsSaidSoNotAnEmptyReport() {
    Run run = report("--team", "nosuch");
    assertEquals(1, run.exitCode(), run.out());
    assertTrue(run.err().contains("no data for team 'nosuch' from " + SINCE.minus(Duration.ofDays(7)) + " to " + UNTIL
        + " (teams with data then: platform, payments,"), run.err());
    assertEquals("", run.out());

    Run payments = report("--team", "payments", "--format", "md");
    assertEquals(0, payments.exitCode(), payments.err());
    assertTrue(payments.out().contains("- Uploaded to AI vendors: **7.00 MB** (-30.0 % vs. the previous period)"), payments.out());
    assertFalse(payments.out().contains("build\\-42") || payments.out().contains("build-42"), "only the team's hosts");
  }

  @Test
  void readsThroughTheRunningStacksApi() throws Exception {
    try (DataDirectory.Lock lock = dataDir.lock();
        ClickHouseStore store = Stores.open(StoreConfig.embedded(dataDir.clickhouse().toString()));
        ApiServer api = ApiServer.start(new InetSocketAddress("127.0.0.1", 0), store, Clock.systemUTC())) {
      dataDir.announce(new DataDirectory.RunningStack(ProcessHandle.current().pid(), api.url(), Instant.now()));
      Run run = agentwatch("report", "--since", SINCE.toString(), "--until", UNTIL.toString(), "--format", "md",
          "--data-dir", dataDir.path().toString());
      assertEquals(0, run.exitCode(), run.err());
      assertTrue(run.out().contains("**158 MB** (+43.6 %"), run.out());
      assertEquals(10, api.queriesServed(), "every section asked the stack");
    }
  }

  @Test
  void helpTeachesWithExamples() {
    Run help = agentwatch("report", "--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("agentwatch report --out weekly.html"), help.out());
    assertTrue(help.out().contains("--team"), help.out());
  }

  private static Run report(String... options) {
    List<String> args = new ArrayList<>(List.of("report", "--since", SINCE.toString(), "--until", UNTIL.toString(),
        "--data-dir", dataDir.path().toString()));
    args.addAll(List.of(options));
    return agentwatch(args.toArray(new String[0]));
  }

  /** A named query on the report's range, as `agentwatch query NAME --format json` answers it. */
  private static JsonNode query(String name) throws Exception {
    Run run = agentwatch("query", name, "--param", "since=" + SINCE, "--param", "until=" + UNTIL, "--format", "json",
        "--data-dir", dataDir.path().toString());
    assertEquals(0, run.exitCode(), run.err());
    return JSON.readTree(run.out());
  }

  /** A summary card's exact value. */
  private static long card(String html, String column) {
    return Long.parseLong(attribute(html, column));
  }

  private static String attribute(String html, String column) {
    Matcher matcher = Pattern.compile("<div class=\"[a-z]+\" data-column=\"" + column + "\" data-value=\"([^\"]*)\"").matcher(html);
    assertTrue(matcher.find(), "no card for " + column);
    return matcher.group(1);
  }

  /** The rows of the table with this id, each as column → exact value, keyed by one column. */
  private static Map<String, Map<String, String>> rows(String html, String id, String key) {
    int start = html.indexOf("<table id=\"" + id + "\">");
    assertTrue(start >= 0, "no table " + id);
    String table = html.substring(start, html.indexOf("</table>", start));
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    Matcher row = Pattern.compile("<tr>(.*?)</tr>").matcher(table);
    Pattern cell = Pattern.compile("<td[^>]* data-column=\"([^\"]+)\" data-value=\"([^\"]*)\">([^<]*)</td>");
    while (row.find()) {
      Map<String, String> values = new HashMap<>();
      Matcher cells = cell.matcher(row.group(1));
      while (cells.find()) {
        values.put(cells.group(1), unescape(cells.group(2)));
      }
      if (!values.isEmpty()) {
        rows.put(values.get(key), values);
      }
    }
    return rows;
  }

  private static String unescape(String text) {
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
  }

  private static Map<String, String> zip(String header, String row) {
    String[] names = header.split(",");
    String[] values = row.split(",", -1);
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < names.length; i++) {
      map.put(names[i], values[i]);
    }
    return map;
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      count++;
    }
    return count;
  }

  /** 10:00 UTC on the day {@code n} days before {@link #UNTIL} (negative: before {@link #SINCE}). */
  private static Instant days(int n) {
    int ago = n < 0 ? -n : n;
    return UNTIL.minus(Duration.ofDays(ago)).plus(Duration.ofHours(10));
  }

  private static FlowRecord flow(String host, String team, String vendor, Instant start, long bytesUp) {
    return FlowRecord.newBuilder()
        .setSensorId("sensor-1")
        .setSequence(0)
        .setHost(host)
        .setHostOwner(host.equals("build-42") ? "ci" : "alice")
        .setHostTeam(team)
        .setSrcIp("10.1.2.3")
        .setSrcPort(51234)
        .setDstIp("160.79.104.10")
        .setDstPort(443)
        .setTransport(Transport.TCP)
        .setFirstSeen(start)
        .setLastSeen(start.plusSeconds(30))
        .setPacketsUp(bytesUp / 1400 + 1)
        .setPacketsDown(100)
        .setBytesUp(bytesUp)
        .setBytesDown(bytesUp / 100)
        .setSni("api." + vendor + ".com")
        .setAlpn("h2")
        .setJa4("t13d1516h2_8daaf6152771_02713d6af862")
        .setDnsName("api." + vendor + ".com")
        .setVendor(vendor)
        .setService(vendor + "-api")
        .setCategory("llm-api")
        .setIdentifiedBy(Evidence.SNI)
        .setEndReason(EndReason.FIN)
        .build();
  }

  /** The one-minute window the aggregation job makes of a single flow. */
  private static HostVendorWindow window(FlowRecord flow) {
    Instant start = flow.getFirstSeen().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    return HostVendorWindow.newBuilder()
        .setHost(flow.getHost())
        .setVendor(flow.getVendor())
        .setService(flow.getService())
        .setWindowStart(start)
        .setWindowEnd(start.plusSeconds(60))
        .setBytesUp(flow.getBytesUp())
        .setBytesDown(flow.getBytesDown())
        .setPacketsUp(flow.getPacketsUp())
        .setPacketsDown(flow.getPacketsDown())
        .setFlows(1)
        .setMaxUpload(flow.getBytesUp())
        .setDistinctDestinations(1)
        .build();
  }

  private static ExposureAlert alert(String host, String vendor, Instant window, String reason) {
    return ExposureAlert.newBuilder()
        .setAlertId("upload-spike/" + host + "/" + vendor + "/" + window)
        .setDetector("upload-spike")
        .setHost(host)
        .setVendor(vendor)
        .setService(vendor + "-api")
        .setWindowStart(window)
        .setWindowEnd(window.plusSeconds(60))
        .setObserved(50 * MB)
        .setBaseline(2.5 * MB)
        .setScore(20)
        .setTopFlows(List.of(new FlowContribution("1:abc=", 50 * MB)))
        .setReason(reason)
        .build();
  }
}
