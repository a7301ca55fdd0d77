package io.agentwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentwatch.cli.AgentWatch;
import io.agentwatch.stack.DataDirectory;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.Stores;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The web console in a real browser (headless Chromium through chromedriver) against the store
 * that `agentwatch replay --demo` leaves: the overview's numbers are the named queries' answers,
 * and a user can go from the overview to a host, to its alert, to a contributing flow.
 * Screenshots go to target/console/ and docs/console/ (the README shows them).
 */
class ConsoleBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** The demo fleet's three minutes (DemoFleet.standard) inside this range. */
  private static final String RANGE = "since=2026-11-02T08:00:00Z&until=2026-11-02T10:00:00Z";
  private static final Path SCREENSHOTS = Path.of("../target/app/console");
  private static final Path DOCS = Path.of("../docs/console");

  @TempDir static Path dir;
  static ClickHouseStore store;
  static ApiServer api;
  static WebDriver browser;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void fillAStackAndOpenABrowser() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "skipped: the browser test needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER + ")");
    Path data = dir.resolve("data");
    int exit = AgentWatch.commandLine().execute("replay", "--demo", "--data-dir", data.toString());
    assertEquals(0, exit, "replay --demo");
    store = Stores.open(StoreConfig.embedded(new DataDirectory(data).clickhouse().toString()));
    api = ApiServer.start(new InetSocketAddress("127.0.0.1", 0), store, Clock.systemUTC());

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")), "--window-size=1440,1000");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void close() {
    if (browser != null) {
      browser.quit();
    }
    if (api != null) {
      api.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void overviewShowsTheNamedQueriesAndLeadsToAHostAnAlertAndItsFlows() throws Exception {
    browser.manage().logs().get(LogType.BROWSER); // what another test left there (a token prompt's 401s)
    open("/?" + RANGE);
    JsonNode totals = query("fleet_totals", RANGE).get(0);
    assertTrue(totals.path("bytes_up").asLong() > 100_000_000L, "the demo's incident alone uploads about 110 MB: " + totals);
    for (String column : List.of("bytes_up", "bytes_down", "flows", "hosts", "teams", "vendors")) {
      WebElement tile = browser.findElement(By.cssSelector("#totals .tile[data-column=" + column + "]"));
      assertEquals(totals.path(column).asText(), tile.getAttribute("data-value"), column + " on the overview");
      String shown = tile.findElement(By.className("value")).getText();
      String expected = column.startsWith("bytes") ? ResultFormat.bytes(totals.path(column).asLong())
          : String.format(Locale.US, "%,d", totals.path(column).asLong());
      assertEquals(expected, shown, column + " as people read it");
    }
    assertEquals(column(query("top_hosts", RANGE), "host"), cells("#top-hosts", "host"), "top hosts, in order");
    assertEquals(column(query("top_hosts", RANGE), "bytes_up"), cells("#top-hosts", "bytes_up"));
    assertEquals(column(query("top_vendors", RANGE), "bytes_up"), cells("#top-vendors", "bytes_up"));
    assertEquals(column(query("top_teams", RANGE), "bytes_up"), cells("#top-teams", "bytes_up"));
    JsonNode alerts = query("alerts", RANGE + "&limit=10");
    assertFalse(alerts.isEmpty(), "the demo's upload incident raises an alert");
    // One incident, one row: its latest version's id, linking to that alert's page.
    JsonNode incidents = query("incidents", RANGE + "&limit=10");
    assertEquals(column(incidents, "alert_id"), cells("#newest-alerts", "alert_id"));
    List<String> incidentIds = column(query("alerts", RANGE + "&limit=1000"), "incident_id").stream().distinct().toList();
    assertTrue(incidentIds.size() < query("alerts", RANGE + "&limit=1000").size(), "the demo has incidents of several records");
    assertEquals(Math.min(10, incidentIds.size()), cells("#newest-alerts", "alert_id").size(), "one row per incident");
    assertTrue(browser.findElements(By.cssSelector("#upload-per-vendor canvas")).size() > 0, "the per-vendor chart is drawn");
    screenshot("overview");

    String host = alerts.get(0).path("host").asText();
    browser.findElement(By.cssSelector("#top-hosts td[data-column=host][data-value='" + host + "'] a")).click();
    awaitPage();
    assertTrue(browser.getCurrentUrl().contains("view=host&host=" + URLEncoder.encode(host, StandardCharsets.UTF_8)),
        "the host is in the address: " + browser.getCurrentUrl());
    assertEquals("Host " + host, browser.findElement(By.tagName("h1")).getText());
    String hostRange = RANGE + "&host=" + URLEncoder.encode(host, StandardCharsets.UTF_8);
    assertEquals(column(query("host_vendors", hostRange), "bytes_up"), cells("#host-vendors", "bytes_up"));
    assertEquals(column(query("host_clients", hostRange), "ja4"), cells("#host-clients", "ja4"));
    assertShowsExposureOf(host);
    screenshot("host");

    String alertId = alerts.get(0).path("alert_id").asText();
    browser.findElement(By.cssSelector("#host-alerts td[data-column=alert_id][data-value='" + alertId + "'] a")).click();
    awaitPage();
    assertEquals(alerts.get(0).path("reason").asText(), browser.findElement(By.className("alert-reason")).getText());
    JsonNode flows = query("alert_flows", "alert_id=" + URLEncoder.encode(alertId, StandardCharsets.UTF_8));
    assertFalse(flows.isEmpty(), "alert_flows finds no flow row for the alert's top_flows " + alerts.get(0).path("top_flows")
        + ": each entry is a Community ID and its bytes ('1:... (N B up)'), the query must match the ID alone");
    assertEquals(column(flows, "bytes_up"), cells("#alert-flows", "bytes_up"));
    assertTrue(browser.findElements(By.cssSelector("#alert-chart canvas")).size() > 0, "observed vs baseline is drawn");
    String incidentId = alerts.get(0).path("incident_id").asText();
    List<String> versions = new ArrayList<>();
    query("alerts", RANGE + "&limit=1000").forEach(row -> {
      if (row.path("incident_id").asText().equals(incidentId)) {
        versions.add(row.path("alert_id").asText());
      }
    });
    assertEquals(versions.stream().sorted().toList(), cells("#alert-versions", "alert_id").stream().sorted().toList(),
        "the alert's page lists every version of its incident");
    screenshot("alert");

    browser.findElements(By.cssSelector("#alert-flows td[data-column=bytes_up]")).get(0).click(); // a cell without a link
    awaitPage();
    assertTrue(browser.getCurrentUrl().contains("flow=0"), "the chosen flow is in the address: " + browser.getCurrentUrl());
    assertEquals(flows.get(0).path("sni").asText(),
        browser.findElement(By.cssSelector("#alert-flow dd[data-column=sni]")).getText(), "the flow's fields are shown");
    assertEquals(ResultFormat.bytes(flows.get(0).path("bytes_up").asLong()),
        browser.findElement(By.cssSelector("#alert-flow dd[data-column=bytes_up]")).getText());

    open("/?view=alerts&" + RANGE);
    List<String> listed = cells("#alert-list", "alert_id");
    assertEquals(incidentIds.size(), listed.size(), "the alerts page: one row per incident");
    assertEquals(column(query("incidents", RANGE), "alert_id"), listed);
    String latest = listed.get(0);
    browser.findElement(By.cssSelector("#alert-list td[data-column=alert_id][data-value='" + latest + "'] a")).click();
    awaitPage();
    assertTrue(browser.getCurrentUrl().contains("view=alert"), browser.getCurrentUrl());
    assertTrue(cells("#alert-versions", "alert_id").contains(latest), "an incident's row opens its latest version");

    List<String> errors = new ArrayList<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
        errors.add(entry.getMessage());
      }
    }
    assertEquals(List.of(), errors, "no script error and no Content-Security-Policy violation in the browser's console");
  }

  /**
   * A host's page shows its exposure as the named queries answer it for that host: the score of
   * host_exposure and, per vendor × service, host_vendor_exposure's upload, facts and factors.
   */
  @Test
  void aHostPageShowsTheExposureTheNamedQueriesGiveThatHost() throws Exception {
    JsonNode hosts = query("top_hosts", RANGE + "&limit=1000");
    assertTrue(hosts.size() >= 2, "the demo fleet has several hosts: " + hosts);
    // The most and the least uploading host: the page must show each its own row, not the fleet's first.
    for (String host : List.of(hosts.get(0).path("host").asText(), hosts.get(hosts.size() - 1).path("host").asText())) {
      open("/?view=host&host=" + URLEncoder.encode(host, StandardCharsets.UTF_8) + "&" + RANGE);
      assertShowsExposureOf(host);
    }
  }

  private static void assertShowsExposureOf(String host) throws Exception {
    String hostRange = RANGE + "&host=" + URLEncoder.encode(host, StandardCharsets.UTF_8);
    JsonNode score = query("host_exposure", hostRange);
    assertEquals(1, score.size(), "host_exposure for " + host + ": " + score);
    assertEquals(host, score.get(0).path("host").asText());
    assertTrue(score.get(0).path("exposure").asDouble() > 0, "the demo's hosts upload to AI vendors: " + score);
    for (String column : List.of("exposure", "bytes_up", "vendors")) {
      WebElement tile = browser.findElement(By.cssSelector("#host-exposure .tile[data-column=" + column + "]"));
      assertEquals(score.get(0).path(column).asDouble(), Double.parseDouble(tile.getAttribute("data-value")),
          column + " of " + host + " on its page");
    }
    WebElement top = browser.findElement(By.cssSelector("#host-exposure .tile[data-column=top_vendor]"));
    assertEquals(score.get(0).path("top_vendor").asText(), top.getAttribute("data-value"));
    assertEquals("weighs most: " + new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.US))
        .format(score.get(0).path("top_vendor_exposure").asDouble()) + " of the score", top.findElement(By.className("label")).getText());
    assertEquals(new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.US)).format(score.get(0).path("exposure").asDouble()),
        browser.findElement(By.cssSelector("#host-exposure .tile[data-column=exposure] .value")).getText(), "the score as people read it");
    assertEquals(ResultFormat.bytes(score.get(0).path("bytes_up").asLong()),
        browser.findElement(By.cssSelector("#host-exposure .tile[data-column=bytes_up] .value")).getText());

    JsonNode weighed = query("host_vendor_exposure", hostRange);
    assertFalse(weighed.isEmpty(), "host_vendor_exposure for " + host);
    for (String column : List.of("vendor", "service", "trains_by_default", "retention", "policy_tag")) {
      assertEquals(column(weighed, column), cells("#host-exposure-vendors", column), column + " per vendor × service of " + host);
    }
    for (String column : List.of("bytes_up", "vendor_factor", "policy_factor", "exposure")) {
      assertEquals(numbers(column(weighed, column)), numbers(cells("#host-exposure-vendors", column)),
          column + " per vendor × service of " + host);
    }
    WebElement factor = browser.findElements(By.cssSelector("#host-exposure-vendors td[data-column=vendor_factor]")).get(0);
    assertEquals("×" + new DecimalFormat("0.###", DecimalFormatSymbols.getInstance(Locale.US)).format(weighed.get(0).path("vendor_factor")
        .asDouble()), factor.getText(), "a factor as the query gives it");
    double sum = 0;
    for (JsonNode row : weighed) {
      sum += row.path("exposure").asDouble();
    }
    // Each row is rounded to 2 decimals, the score once: the rows add up to it within that rounding.
    assertEquals(score.get(0).path("exposure").asDouble(), sum, 0.005 * (weighed.size() + 1), "the rows of " + host + " make its score");
  }

  private static List<Double> numbers(List<String> texts) {
    return texts.stream().map(Double::valueOf).toList();
  }

  @Test
  void behindATokenTheConsoleAsksForItAndThenShowsTheData() throws Exception {
    String token = "console-test-token-0123456789";
    try (ApiServer guarded = ApiServer.start(new InetSocketAddress("127.0.0.1", 0), new HttpConfig(token, null, null),
        store, Clock.systemUTC(), out -> { }, io.agentwatch.capture.metrics.Health::ok)) {
      browser.get(guarded.url() + "/?" + RANGE);
      awaitPage();
      WebElement login = browser.findElement(By.id("login"));
      assertTrue(login.isDisplayed(), "the token prompt");
      assertTrue(browser.findElements(By.cssSelector("#totals .tile")).isEmpty(), "no data without the token");
      login.findElement(By.name("token")).sendKeys(token);
      login.findElement(By.cssSelector("button[type=submit]")).click();
      awaitPage();
      assertFalse(browser.findElement(By.id("login")).isDisplayed(), "signed in");
      assertEquals(query("fleet_totals", RANGE).get(0).path("bytes_up").asText(),
          browser.findElement(By.cssSelector("#totals .tile[data-column=bytes_up]")).getAttribute("data-value"));
    }
  }

  private static void open(String path) {
    browser.get(api.url() + path);
    awaitPage();
  }

  /** The page marks its main element ready once every panel has its data (or its error). */
  private static void awaitPage() {
    await(Duration.ofSeconds(30), "the page's data", () -> "ready".equals(browser.findElement(By.id("view")).getAttribute("data-state")));
    // ECharts draws in the next animation frame.
    await(Duration.ofSeconds(5), "the charts", () -> browser.findElements(By.cssSelector(".chart")).stream()
        .allMatch(chart -> !chart.findElements(By.tagName("canvas")).isEmpty()));
  }

  private static void await(Duration timeout, String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not appear within " + timeout + " at " + browser.getCurrentUrl());
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  private static List<String> cells(String panel, String column) {
    return browser.findElements(By.cssSelector(panel + " td[data-column=" + column + "]")).stream()
        .map(cell -> cell.getAttribute("data-value")).toList();
  }

  private static List<String> column(JsonNode rows, String column) {
    List<String> values = new ArrayList<>();
    rows.forEach(row -> values.add(row.path(column).asText()));
    return values;
  }

  /** A named query's rows through the same API the console asks. */
  private static JsonNode query(String name, String parameters) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/queries/" + name + "?" + parameters))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), name + ": " + response.body());
    return QueryResult.JSON.readTree(response.body()).path("rows");
  }

  /** The whole page: the window is made as tall as the page for the shot. */
  private static void screenshot(String name) throws Exception {
    long height = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollHeight");
    browser.manage().window().setSize(new Dimension(1440, (int) Math.min(height + 150, 4000)));
    Thread.sleep(500); // the charts redraw at the new size
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Path target = SCREENSHOTS.resolve(name + ".png");
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    if (Files.isDirectory(DOCS.getParent())) {
      Files.createDirectories(DOCS);
      Files.copy(target, DOCS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
    browser.manage().window().setSize(new Dimension(1440, 1000));
  }
}
