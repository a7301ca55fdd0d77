package io.agentwatch.cli;

import io.agentwatch.config.ConfigException;
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
 * The store's settings for the commands that only use a store (`serve`, `migrate`): a YAML file,
 * the environment ({@code AGENTWATCH_STORE_KIND}, ...), --set.
 */
final class StoreSettings {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML file with settings listed below.")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Any setting below, e.g. --set store.kind=remote --set store.remote.url=http://clickhouse:8123; repeatable.")
  Map<String, String> set = new LinkedHashMap<>();

  /** The store's config; a bad setting is exit code 2, naming it. */
  StoreConfig load() {
    try {
      Settings settings = Settings.load(StoreConfig.SETTINGS, configFile, System.getenv(), new LinkedHashMap<>(set));
      StoreConfig config = StoreConfig.from(settings);
      settings.throwIfProblems();
      return config.validate();
    } catch (ConfigException e) {
      throw new UserError(e.getMessage(), 2, e);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
  }

  /** The settings table under the command's options. */
  static void addHelp(CommandLine command) {
    List<String> footer = new ArrayList<>(List.of("", "Settings (YAML key; environment variable; default):"));
    footer.addAll(SettingsHelp.lines(StoreConfig.SETTINGS));
    command.getCommandSpec().usageMessage().footer(footer.toArray(new String[0]));
  }
}
