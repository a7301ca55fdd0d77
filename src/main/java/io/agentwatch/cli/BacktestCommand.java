package io.agentwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.api.QueryResult;
import io.agentwatch.api.ResultFormat;
import io.agentwatch.backtest.Backtest;
import io.agentwatch.backtest.IncidentComparison;
import io.agentwatch.config.ConfigException;
import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import io.agentwatch.config.SettingsHelp;
import io.agentwatch.config.ValueParsers;
import io.agentwatch.jobs.detect.DetectionConfig;
import io.agentwatch.report.ReportRange;
import io.agentwatch.stack.OneMachineStack;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The stored minutes through the detectors with other settings: which incidents would change. */
@Command(name = "backtest", mixinStandardHelpOptions = true, usageHelpWidth = 120,
    description = {"Replay the stored minute windows through the detectors with other settings, and compare.",
        "",
        "Reads the per host × vendor minutes the job stored (host_vendor_service_1m) from --since minus",
        "--warmup to --until, runs them in this process through the job's own detectors and incident",
        "grouping (a local Flink MiniCluster) with the settings below, and lists every incident that",
        "starts in [--since, --until) beside the stored alerts' incidents of that range:",
        "  same         both have it (same detector, host and vendor, overlapping in time)",
        "  only now     these settings raise it, the stored alerts do not have it",
        "  only before  the stored alerts have it, these settings would not raise it",
        "For tuning before a change goes live: try `--set detect.spike.score=6` and read what it",
        "adds or removes. Give the settings the stack runs with (its --config file; the other keys",
        "in it are accepted and ignored) to see the stored alerts again as `same`.",
        "",
        "Asks the stack running on the data directory (through its API), or opens the data directory",
        "itself when none runs. The warm-up gives the detectors the history the job had: baselines and",
        "percentiles (detect.history), the vendors each host used (detect.first-contact.memory: a",
        "vendor last used before the warm-up counts as new). The stored minutes are the windows' final",
        "state, while the job judged each minute when it first closed: a minute that late records",
        "completed later can alert here and not there. The table keeps no flows, so the alerts here",
        "quote none. The libraries' messages (Flink) go to a temporary log file, named on stderr."})
final class BacktestCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(BacktestCommand.class);

  @Option(names = "--since", paramLabel = "TIME", defaultValue = "30d",
      description = "Incidents that start at or after this time: 30d or 24h ago, 2026-12-06, 2026-12-06T14:00:00Z. Default: ${DEFAULT-VALUE}.")
  String since;

  @Option(names = "--until", paramLabel = "TIME", defaultValue = "now",
      description = "Incidents that start before this time. Default: ${DEFAULT-VALUE}.")
  String until;

  @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "7d",
      description = "Stored minutes before --since replayed first, alerts not compared (the detectors' history). Default: ${DEFAULT-VALUE}.")
  String warmup;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML file with the settings below (the stack's file will do).")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "A detector setting below, e.g. --set detect.spike.score=6; repeatable; wins over --config and the environment.")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table (a summary, then one row per incident), json (the summary and every field of each incident) or csv. Default: ${DEFAULT-VALUE}.")
  String format;

  @Mixin
  DataDirOption dataDir;

  CommandSpec spec;

  /** Picocli gives the command's model here: --help lists the detectors' settings under the options. */
  @Spec
  void spec(CommandSpec spec) {
    this.spec = spec;
    List<String> footer = new ArrayList<>(List.of("", "Settings (YAML key; environment variable; default):"));
    footer.addAll(SettingsHelp.lines(DetectionConfig.SETTINGS));
    spec.usageMessage().footer(footer.toArray(new String[0]));
  }

  @Override
  public Integer call() throws Exception {
    ResultFormat resultFormat = QueryCommand.format(format);
    // A report's range: the same forms, checks and messages (an IllegalArgumentException is exit code 2).
    ReportRange range = ReportRange.parse(since, until, Instant.now());
    Duration warmupLength = warmup();
    DetectionConfig config = detection();
    Path libraryLog = Files.createTempFile("agentwatch-backtest-", ".log").toAbsolutePath();
    LibraryLogs.redirectTo(libraryLog);
    LOG.info("messages of Flink go to {}", libraryLog);
    Backtest backtest;
    long started = System.nanoTime();
    try (QueryTarget target = QueryTarget.open(dataDir.dataDirectory(), Clock.systemUTC())) {
      backtest = Backtest.run(target::run, range.since(), range.until(), warmupLength, config);
    }
    LOG.info("{} stored minutes through the detectors in {} s", backtest.windows(), (System.nanoTime() - started) / 1_000_000_000);
    print(backtest, resultFormat, spec.commandLine().getOut());
    return 0;
  }

  private static void print(Backtest backtest, ResultFormat format, PrintWriter out) {
    IncidentComparison comparison = backtest.comparison();
    QueryResult rows = comparison.toResult();
    if (format == ResultFormat.JSON) {
      ObjectNode json = new ObjectMapper().createObjectNode()
          .put("since", backtest.since().toString()).put("until", backtest.until().toString())
          .put("warmup_since", backtest.warmupSince().toString()).put("windows", backtest.windows())
          .put("same", comparison.count(IncidentComparison.SAME))
          .put("only_now", comparison.count(IncidentComparison.ONLY_NOW))
          .put("only_before", comparison.count(IncidentComparison.ONLY_BEFORE));
      json.set("incidents", rows.toJson());
      out.println(json.toPrettyString());
    } else if (format == ResultFormat.TABLE) {
      out.printf("Backtest of %s to %s: %d stored minutes replayed (warm-up from %s).%n", backtest.since(), backtest.until(),
          backtest.windows(), backtest.warmupSince());
      out.printf("Incidents: %d same, %d only now, %d only before.%n", comparison.count(IncidentComparison.SAME),
          comparison.count(IncidentComparison.ONLY_NOW), comparison.count(IncidentComparison.ONLY_BEFORE));
      if (!rows.rows().isEmpty()) {
        format.write(rows.select(IncidentComparison.TABLE_COLUMNS), out, ZoneId.systemDefault());
      }
    } else {
      format.write(rows, out, ZoneId.systemDefault());
    }
    out.flush();
  }

  private Duration warmup() {
    try {
      return ValueParsers.durationOrZero(warmup);
    } catch (IllegalArgumentException e) {
      throw new UserError("--warmup: " + e.getMessage(), 2, e);
    }
  }

  /** The detectors' settings; the file may hold any key `up` reads (the stack's file), only detect.* matter here. */
  private DetectionConfig detection() {
    List<Setting> known = new ArrayList<>(OneMachineStack.SETTINGS);
    known.addAll(SensorOptions.SETTINGS);
    try {
      Settings settings = Settings.load(known, configFile, System.getenv(), new LinkedHashMap<>(set));
      DetectionConfig config = DetectionConfig.from(settings);
      settings.throwIfProblems();
      return config;
    } catch (ConfigException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
  }
}
