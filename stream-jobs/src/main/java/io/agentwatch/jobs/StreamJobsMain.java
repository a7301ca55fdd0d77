package io.agentwatch.jobs;

import io.agentwatch.config.Settings;
import io.agentwatch.config.SettingsHelp;
import io.agentwatch.config.ValueParsers;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.Stores;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of the shaded job jar ({@code flink run -c io.agentwatch.jobs.StreamJobsMain
 * agentwatch-stream-jobs-VERSION-job.jar --kafka.bootstrap-servers=kafka:9092 ...}).
 *
 * <p>Settings are the keys of {@link AgentWatchJobConfig#SETTINGS} (the job's, the detectors', the
 * sink's and the store's), read as the sensor reads its own: from {@code --config=FILE} (YAML),
 * then environment variables ({@code AGENTWATCH_} + the key upper-cased, dots and hyphens as
 * underscores: {@code AGENTWATCH_KAFKA_BOOTSTRAP_SERVERS}), then {@code --key=value} arguments
 * (strongest). {@code --help} lists every key with its default. The store's migrations are
 * applied before the job is submitted.
 */
public final class StreamJobsMain {

  private StreamJobsMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(help());
      return;
    }
    Settings settings = settings(args, System.getenv());
    AgentWatchJobConfig config = config(settings);
    Integer parallelism = settings.parse("job.parallelism", text -> ValueParsers.integer(text, 1, 10_000));
    settings.throwIfProblems();
    try (ClickHouseStore store = Stores.open(config.sink().store())) {
      Migrations.bundled(store, config.sink().store()).apply();
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(AgentWatchJob.flinkSettings(config));
    if (parallelism != null) {
      env.setParallelism(parallelism);
    }
    AgentWatchJob.build(env, config);
    env.execute("agentwatch stream jobs");
  }

  /**
   * The settings given as {@code --key=value} arguments (and {@code --config=FILE}) over the
   * environment; an argument of another shape, or an unknown key, is a problem naming it.
   */
  static Settings settings(String[] args, Map<String, String> environment) {
    Map<String, Object> commandLine = new LinkedHashMap<>();
    Path file = null;
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("argument '" + arg + "': expected --key=value (--help lists the keys)");
      }
      String key = arg.substring(2, eq);
      if (key.equals("config")) {
        file = Path.of(arg.substring(eq + 1));
      } else {
        commandLine.put(key, arg.substring(eq + 1));
      }
    }
    return Settings.load(AgentWatchJobConfig.SETTINGS, file, environment, commandLine);
  }

  /** The job's config; every bad key or value is reported at once (ConfigException), naming key and source. */
  static AgentWatchJobConfig config(Settings settings) {
    AgentWatchJobConfig config = AgentWatchJobConfig.from(settings);
    settings.check(config::validate);
    settings.throwIfProblems();
    return config;
  }

  static String help() {
    return String.join(System.lineSeparator(),
        "Usage: flink run -c " + StreamJobsMain.class.getName() + " JOB.jar [--config=FILE] [--KEY=VALUE ...]",
        "",
        "Settings come from the YAML file (--config), then AGENTWATCH_* environment variables, then",
        "--KEY=VALUE arguments (strongest). Durations: 500ms, 10s, 5m, 1h, 1d; sizes: bytes or 64KiB, 1GiB.",
        "",
        "Settings (key; environment variable; default):",
        String.join(System.lineSeparator(), SettingsHelp.lines(AgentWatchJobConfig.SETTINGS)));
  }
}
