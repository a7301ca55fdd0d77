package io.agentwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  private static final List<Setting> KEYS = List.of(
      Setting.value("job.window", "DURATION", "1m", "window length"),
      Setting.value("job.allowed-lateness", "DURATION", "5m", "lateness"),
      Setting.value("detect.spike.score", "NUMBER", "8.0", "spike score"));

  @TempDir Path dir;

  @Test
  void theCommandLineBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault() throws Exception {
    Path file = Files.writeString(dir.resolve("job.yaml"), "job:\n  window: 30s\n  allowed-lateness: 2m\ndetect.spike.score: 4\n");
    Settings settings = Settings.load(KEYS, file, Map.of("AGENTWATCH_JOB_ALLOWED_LATENESS", "3m", "AGENTWATCH_DETECT_SPIKE_SCORE", "5"),
        Map.of("detect.spike.score", "6"));
    assertEquals(Duration.ofSeconds(30), settings.parse("job.window", ValueParsers::duration));
    assertEquals(Duration.ofMinutes(3), settings.parse("job.allowed-lateness", ValueParsers::duration));
    assertEquals(6.0, settings.parse("detect.spike.score", ValueParsers::decimal));
    assertEquals("environment variable AGENTWATCH_JOB_ALLOWED_LATENESS", settings.origin("job.allowed-lateness"));
    Settings defaults = Settings.load(KEYS, null, Map.of(), Map.of());
    assertEquals(Duration.ofMinutes(1), defaults.parse("job.window", ValueParsers::duration));
    assertEquals("default", defaults.origin("job.window"));
  }

  @Test
  void aMapSettingTakesEntriesFromTheFileTheEnvironmentAndTheCommandLine() throws Exception {
    List<Setting> keys = List.of(Setting.map("detect.policy.vendors", "vendor tags"));
    Path file = Files.writeString(dir.resolve("policy.yaml"),
        "detect:\n  policy:\n    vendors:\n      deepseek: unsanctioned\n      openai/chatgpt: tolerated\n");
    Settings settings = Settings.load(keys, file, Map.of("AGENTWATCH_DETECT_POLICY_VENDORS", "mistral=sanctioned, openai/chatgpt=sanctioned"),
        Map.of("detect.policy.vendors.xai", "unsanctioned"));
    settings.throwIfProblems();
    assertEquals(Map.of("deepseek", "unsanctioned", "openai/chatgpt", "sanctioned", "mistral", "sanctioned",
        "xai", "unsanctioned"), settings.map("detect.policy.vendors"));
    Settings bad = Settings.load(keys, null, Map.of("AGENTWATCH_DETECT_POLICY_VENDORS", "mistral"), Map.of());
    ConfigException e = assertThrows(ConfigException.class, bad::throwIfProblems);
    assertTrue(e.getMessage().contains("detect.policy.vendors: 'mistral' is no KEY=VALUE pair"), e.getMessage());
  }

  @Test
  void everyProblemIsReportedAtOnceWithItsKeySourceAndTheKeyMeant() throws Exception {
    Path file = Files.writeString(dir.resolve("job.yaml"), "job:\n  windw: 30s\n");
    Settings settings = Settings.load(KEYS, file, Map.of(), Map.of("job.allowed-lateness", "soon"));
    assertNull(settings.parse("job.allowed-lateness", ValueParsers::duration));
    settings.check(() -> {
      throw new IllegalArgumentException("detect.spike.score: 8.0 must be below 5");
    });
    ConfigException e = assertThrows(ConfigException.class, settings::throwIfProblems);
    assertEquals(List.of(
        "unknown key 'job.windw' (in " + file + "); did you mean 'job.window'?",
        "job.allowed-lateness: 'soon' is not a duration (use a number and a unit: 500ms, 60s, 5m, 1h, 1d) (from the command line)",
        "detect.spike.score: 8.0 must be below 5"), e.problems());
  }

  @Test
  void oneDurationSpellingWithZeroOnlyWhereItMeansNone() {
    assertEquals(Duration.ofMillis(500), ValueParsers.duration("500ms"));
    assertEquals(Duration.ofDays(30), ValueParsers.duration("30d"));
    assertEquals(Duration.ZERO, ValueParsers.durationOrZero("0"));
    assertEquals(Duration.ZERO, ValueParsers.durationOrZero("0s"));
    assertThrows(IllegalArgumentException.class, () -> ValueParsers.duration("0s"));
    assertThrows(IllegalArgumentException.class, () -> ValueParsers.durationOrZero("PT10S"));
    for (Duration d : List.of(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofHours(1),
        Duration.ofDays(35), Duration.ZERO)) {
      assertEquals(d, ValueParsers.durationOrZero(ValueParsers.text(d)), ValueParsers.text(d));
    }
  }
}
