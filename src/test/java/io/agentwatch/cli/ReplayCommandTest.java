package io.agentwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.jobs.detect.DetectionConfig;
import io.agentwatch.stack.OneMachineStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `agentwatch replay` (and `up`, which reads the same settings): --set, --help, and what it prints. */
class ReplayCommandTest {

  @TempDir Path dir;

  private static OneMachineStack.Config stackConfig(Path scratch, String... args) {
    CommandLine.ParseResult parsed = AgentWatch.commandLine().parseArgs(args);
    ReplayCommand replay = (ReplayCommand) parsed.subcommand().commandSpec().userObject();
    return replay.stackConfig(scratch);
  }

  @Test
  void aDetectorThresholdGivenWithSetReachesTheJobsDetectors() {
    OneMachineStack.Config config = stackConfig(dir, "replay", "--demo", "--set", "detect.spike.score=5",
        "--set", "detect.cooldown=2m", "--set", "job.window=30s");
    DetectionConfig detect = config.job().detection();
    assertEquals(5.0, detect.spikeScore());
    assertEquals(Duration.ofMinutes(2), detect.cooldown());
    assertEquals(DetectionConfig.defaults().fleetScore(), detect.fleetScore(), "keys not given keep their defaults");
    assertEquals(Duration.ofSeconds(30), config.job().window());
    assertTrue(config.job().bounded(), "the stack replays the topic once");
    assertEquals(2, config.parallelism());
  }

  @Test
  void aMisspeltKeyIsRefusedNamingItsSourceAndTheKeyMeant() {
    FlowsCommandTest.Run run = FlowsCommandTest.agentwatch("replay", "--demo", "--set", "detect.spike.scor=5");
    assertEquals(2, run.exitCode(), run.err());
    assertEquals("replay: unknown key 'detect.spike.scor' (in the command line); did you mean 'detect.spike.score'?",
        run.err().strip());
    assertEquals("", run.out());
  }

  @Test
  void helpListsTheKeysWithTheirDefaults() {
    for (String command : new String[] {"replay", "up"}) {
      FlowsCommandTest.Run run = FlowsCommandTest.agentwatch(command, "--help");
      assertEquals(0, run.exitCode(), run.err());
      assertTrue(run.out().contains("detect.spike.score NUMBER"), run.out());
      assertTrue(run.out().contains("AGENTWATCH_DETECT_SPIKE_SCORE; default 8.0"), run.out());
      assertTrue(run.out().contains("flows.active-timeout DURATION"), run.out());
      assertTrue(run.out().contains("store.retention.raw DURATION"), run.out());
      assertFalse(run.out().contains("kafka.bootstrap-servers host"), "the stack runs its own broker");
    }
  }

  /** A log line as log4j2.xml writes it: time, level, logger. */
  private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (TRACE|DEBUG|INFO|WARN|ERROR) ");

  @Test
  void theDemoPrintsResultsOnStdoutLeavesTheLibrariesMessagesInALogFileAndShowsEveryDetector() throws Exception {
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    Path data = dir.resolve("data");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOpens());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.agentwatch.cli.AgentWatch",
        "replay", "--demo", "--data-dir", data.toString()));
    Process up = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(up.waitFor(5, TimeUnit.MINUTES), "replay --demo did not end");
    String stdout = Files.readString(out);
    String stderr = Files.readString(err);
    assertEquals(0, up.exitValue(), stderr);

    assertTrue(stdout.startsWith("Per host and AI vendor, from ClickHouse"), stdout);
    assertTrue(stdout.contains("deepseek"), stdout);
    assertTrue(stdout.lines().noneMatch(line -> LOG_LINE.matcher(line).find()), stdout);

    Matcher named = Pattern.compile("messages of Kafka, Flink and the ClickHouse client go to (\\S+)").matcher(stderr);
    assertTrue(named.find(), stderr);
    Path log = Path.of(named.group(1));
    assertEquals(data.resolve("libraries.log").toAbsolutePath(), log);
    // Flink warns once per metric name collision (about 190 lines for the demo): in the file, not on the console.
    assertFalse(stderr.contains("MetricGroup"), stderr);
    assertFalse(stderr.contains("org.apache."), stderr);
    // One line per migration grows with the schema; the rest must stay short.
    assertTrue(stderr.lines().filter(line -> !line.contains("applied migration ")).count() < 20, stderr);
    assertTrue(Files.readString(log).contains("MetricGroup"), "Flink's warnings went to the log file");

    // After the warm-up history, each detector's alert at least once, each naming its vendor.
    FlowsCommandTest.Run alerts = FlowsCommandTest.agentwatch("alerts", "--since", "2026-11-01", "--limit", "1000",
        "--format", "json", "--data-dir", data.toString());
    assertEquals(0, alerts.exitCode(), alerts.err());
    com.fasterxml.jackson.databind.JsonNode rows = new com.fasterxml.jackson.databind.ObjectMapper().readTree(alerts.out());
    java.util.Set<String> detectors = new java.util.TreeSet<>();
    rows.forEach(row -> {
      detectors.add(row.path("detector").asText());
      assertFalse(row.path("vendor").asText().isEmpty(), row.toString());
    });
    assertEquals(java.util.Set.of("fleet-outlier", "first-contact", "policy", "sustained-upload", "upload-heavy",
        "upload-spike"), detectors, alerts.out());
  }

  /** The JVM flags Flink and Kafka need on Java 17, as the launcher passes them (target/app/jvm.options). */
  private static List<String> jvmOpens() throws Exception {
    Path options = Path.of("../target/app/jvm.options");
    return Files.readAllLines(options).stream().flatMap(line -> List.of(line.trim().split("\\s+")).stream())
        .filter(option -> !option.isEmpty()).toList();
  }
}
