package io.agentwatch.cli;

import io.agentwatch.api.HttpConfig;
import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import io.agentwatch.config.SettingsHelp;
import io.agentwatch.store.StoreConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The settings of the commands that only use a store (`serve`, `migrate`): the store's, and for
 * `serve` the HTTP server's; from a YAML file, the environment ({@code AGENTWATCH_STORE_KIND},
 * ...), --set.
 */
final class StoreSettings {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML file with settings listed below.")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Any setting below, e.g. --set store.kind=remote --set store.remote.url=http://clickhouse:8123; repeatable.")
  Map<String, String> set = new LinkedHashMap<>();

  /** What a command reads: the store, and the HTTP server when it serves one (null otherwise). */
  record Loaded(StoreConfig store, HttpConfig http) {}

  /** The store's config and, with {@code http}, the server's; a bad setting is exit code 2, naming it. */
  Loaded load(boolean http) {
    try {
      Settings settings = Settings.load(known(http), configFile, System.getenv(), new LinkedHashMap<>(set));
      StoreConfig store = StoreConfig.from(settings);
      HttpConfig server = http ? HttpConfig.from(settings) : null;
      settings.throwIfProblems();
      return new Loaded(store.validate(), server);
    } catch (IllegalArgumentException e) { // ConfigException included
      throw new UserError(e.getMessage(), 2, e);
    }
  }

  /**
   * The store's config as given, not validated: for a command that only prints what it would do
   * (`migrate --print`) and must not need a reachable store. A bad setting is exit code 2.
   */
  StoreConfig unvalidatedStore() {
    try {
      Settings settings = Settings.load(known(false), configFile, System.getenv(), new LinkedHashMap<>(set));
      StoreConfig store = StoreConfig.from(settings);
      settings.throwIfProblems();
      return store;
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
  }

  private static List<Setting> known(boolean http) {
    List<Setting> known = new ArrayList<>(StoreConfig.SETTINGS);
    if (http) {
      known.addAll(HttpConfig.SETTINGS);
    }
    return known;
  }

  /** The settings table under the command's options. */
  static void addHelp(CommandLine command, boolean http) {
    List<String> footer = new ArrayList<>(List.of("", "Settings (YAML key; environment variable; default):"));
    footer.addAll(SettingsHelp.lines(known(http)));
    command.getCommandSpec().usageMessage().footer(footer.toArray(new String[0]));
  }
}
