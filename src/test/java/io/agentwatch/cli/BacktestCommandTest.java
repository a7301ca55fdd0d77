package io.agentwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.testing.AgentWatchProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `agentwatch backtest` and `alerts --incidents` on the store `replay --demo` leaves: replayed with
 * the settings the demo ran with, the stored minutes give back exactly the stored incidents; with
 * a lower spike threshold, more, listed as "only now".
 */
class BacktestCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The demo fleet's traffic (DemoFleet.standard) lies inside this range. */
  private static final String[] RANGE = {"--since", "2026-11-01", "--until", "2026-11-04"};

  @TempDir static Path dir;
  static Path data;

  @BeforeAll
  static void replayTheDemo() {
    data = dir.resolve("data");
    FlowsCommandTest.Run replay = FlowsCommandTest.agentwatch("replay", "--demo", "--data-dir", data.toString());
    assertEquals(0, replay.exitCode(), replay.err());
  }

  private static FlowsCommandTest.Run agentwatch(String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(RANGE));
    all.addAll(List.of(args));
    all.addAll(List.of("--data-dir", data.toString()));
    return FlowsCommandTest.agentwatch(all.toArray(String[]::new));
  }

  /** The settings `replay --demo` ran the job with. */
  private static List<String> demoSettings() {
    List<String> args = new ArrayList<>();
    ReplayCommand.DEMO_SETTINGS.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
    return args;
  }

  @Test
  void alertsIncidentsPrintsOneRowPerIncidentOfTheAlerts() throws Exception {
    FlowsCommandTest.Run alerts = agentwatch("alerts", "--limit", "1000", "--format", "json");
    FlowsCommandTest.Run incidents = agentwatch("alerts", "--incidents", "--limit", "1000", "--format", "json");
    assertEquals(0, incidents.exitCode(), incidents.err());
    Set<String> fromAlerts = new TreeSet<>();
    JSON.readTree(alerts.out()).forEach(row -> fromAlerts.add(row.path("incident_id").asText()));
    List<String> rows = new ArrayList<>();
    JSON.readTree(incidents.out()).forEach(row -> rows.add(row.path("incident_id").asText()));
    assertTrue(fromAlerts.size() >= 6, "the demo raises every detector's alert: " + fromAlerts);
    assertEquals(fromAlerts, new TreeSet<>(rows));
    assertEquals(fromAlerts.size(), rows.size(), "one row per incident: " + rows);

    FlowsCommandTest.Run table = agentwatch("alerts", "--incidents");
    assertEquals(0, table.exitCode(), table.err());
    assertTrue(table.out().lines().findFirst().orElse("").contains("total_bytes"), table.out());
    assertEquals(rows.size() + 1, table.out().lines().count(), "a heading and one line per incident:\n" + table.out());
    assertTrue(table.out().contains(JSON.readTree(incidents.out()).get(0).path("host").asText()), "hosts in full:\n" + table.out());
  }

  @Test
  void withTheSettingsTheJobRanWithTheStoredMinutesGiveBackTheStoredIncidents() throws Exception {
    List<String> args = new ArrayList<>(demoSettings());
    args.addAll(List.of("--warmup", "0", "--format", "json"));
    FlowsCommandTest.Run run = agentwatch("backtest", args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    JsonNode result = JSON.readTree(run.out());
    Set<String> stored = storedIncidents();
    assertEquals(stored.size(), result.path("same").asInt(), run.out());
    assertEquals(0, result.path("only_now").asInt(), run.out());
    assertEquals(0, result.path("only_before").asInt(), run.out());
    Set<String> replayed = new TreeSet<>();
    result.path("incidents").forEach(row -> replayed.add(row.path("incident_id").asText()));
    assertEquals(stored, replayed, "the same incidents, start for start");
    assertTrue(result.path("windows").asInt() > 75, "the demo's minutes were replayed: " + result.path("windows"));

    // As a user runs it: a process of its own (nothing else has loaded the schema classes or Flink), a table.
    List<String> command = new ArrayList<>(List.of("backtest"));
    command.addAll(List.of(RANGE));
    command.addAll(demoSettings());
    command.addAll(List.of("--warmup", "0", "--data-dir", data.toString()));
    Process process = AgentWatchProcess.start(dir, "backtest", command.toArray(String[]::new));
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "backtest did not end");
    String output = AgentWatchProcess.output(dir, "backtest");
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("Incidents: " + stored.size() + " same, 0 only now, 0 only before."), output);
  }

  @Test
  void aLowerSpikeThresholdRaisesMoreIncidentsListedAsOnlyNow() throws Exception {
    List<String> args = new ArrayList<>(demoSettings());
    args.addAll(List.of("--set", "detect.spike.score=1", "--set", "detect.spike.factor=1.5",
        "--set", "detect.spike.p99-factor=0", "--set", "detect.spike.spread-power=0", "--set", "detect.spike.floor-bytes=1000",
        "--set", "detect.recurring.days=0", "--warmup", "0"));
    FlowsCommandTest.Run table = agentwatch("backtest", args.toArray(String[]::new));
    assertEquals(0, table.exitCode(), table.err());
    assertTrue(table.out().contains("only now"), table.out());

    args.addAll(List.of("--format", "json"));
    JsonNode result = JSON.readTree(agentwatch("backtest", args.toArray(String[]::new)).out());
    assertTrue(result.path("only_now").asInt() > 0, result.toString());
    result.path("incidents").forEach(row -> {
      if (row.path("change").asText().equals("only now")) {
        assertEquals("upload-spike", row.path("detector").asText(), row.toString());
        assertFalse(row.path("vendor").asText().isEmpty(), row.toString());
      }
    });
    assertEquals(storedIncidents().size() + result.path("only_now").asInt() - result.path("only_before").asInt(),
        result.path("incidents").size() - result.path("only_before").asInt(), result.toString());
  }

  @Test
  void helpTeachesTheComparisonAndListsTheDetectorsSettings() {
    FlowsCommandTest.Run help = FlowsCommandTest.agentwatch("backtest", "--help");
    assertEquals(0, help.exitCode(), help.err());
    for (String expected : List.of("--since", "--until", "--set", "--warmup", "only now", "only before",
        "detect.spike.score NUMBER", "AGENTWATCH_DETECT_SPIKE_SCORE; default 8.0")) {
      assertTrue(help.out().contains(expected), expected + " in\n" + help.out());
    }
    FlowsCommandTest.Run misspelt = agentwatch("backtest", "--set", "detect.spike.scor=5");
    assertEquals(2, misspelt.exitCode(), misspelt.err());
    assertTrue(misspelt.err().contains("did you mean 'detect.spike.score'?"), misspelt.err());
    FlowsCommandTest.Run badTime = FlowsCommandTest.agentwatch("backtest", "--since", "yesterday", "--data-dir", data.toString());
    assertEquals(2, badTime.exitCode(), badTime.err());
    assertTrue(badTime.err().contains("--since 'yesterday' is not a time"), badTime.err());
  }

  private static Set<String> storedIncidents() throws Exception {
    FlowsCommandTest.Run alerts = agentwatch("alerts", "--limit", "1000", "--format", "json");
    assertEquals(0, alerts.exitCode(), alerts.err());
    Set<String> incidents = new TreeSet<>();
    JSON.readTree(alerts.out()).forEach(row -> incidents.add(row.path("incident_id").asText()));
    return incidents;
  }
}
