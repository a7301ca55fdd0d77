package io.agentwatch.cli;

import io.agentwatch.capture.SensorConfig;
import io.agentwatch.config.ConfigException;
import io.agentwatch.config.Setting;
import io.agentwatch.config.SettingsHelp;
import io.agentwatch.stack.OneMachineStack;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The settings of a one-machine stack (`up`, `replay`): a YAML file, the environment, --set. The
 * sensor's keys among --set ({@link SensorOptions#KEYS}) go to the stack's sensor, the rest to the
 * stack and its job.
 */
final class StackSettings {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML file with settings listed below.")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Any setting below, e.g. --set detect.spike.score=6 --set job.window=30s; repeatable.")
  Map<String, String> set = new LinkedHashMap<>();

  /** The stack's config; a bad setting is exit code 2, naming it. */
  OneMachineStack.Config load(Path kafkaDir, Path clickhouseDir, boolean bounded) {
    return load(kafkaDir, clickhouseDir, bounded, Map.of());
  }

  /** @param flags settings given by a command's own flags (e.g. up --kafka); --set of the same key wins */
  OneMachineStack.Config load(Path kafkaDir, Path clickhouseDir, boolean bounded, Map<String, String> flags) {
    Map<String, String> given = new LinkedHashMap<>(flags);
    given.putAll(only(false));
    try {
      return OneMachineStack.Config.load(kafkaDir, clickhouseDir, bounded, given, configFile, System.getenv());
    } catch (ConfigException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
  }

  /** The stack's sensor: its flags over --set of its keys; a bad one is exit code 2, naming it. */
  SensorConfig sensor(SensorOptions options) {
    try {
      return options.config(only(true));
    } catch (ConfigException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
  }

  /** The --set values of the sensor's keys, or all the others (the stack's). */
  private Map<String, String> only(boolean sensorKeys) {
    Map<String, String> chosen = new LinkedHashMap<>();
    set.forEach((key, value) -> {
      if (SensorOptions.KEYS.contains(key) == sensorKeys) {
        chosen.put(key, value);
      }
    });
    return chosen;
  }

  /** The settings table under a stack command's options: --help documents every key it reads. */
  static void addHelp(CommandLine command) {
    List<String> footer = new ArrayList<>();
    footer.add("");
    footer.add("Settings (YAML key; environment variable; default):");
    List<Setting> shown = OneMachineStack.SETTINGS.stream()
        .filter(setting -> !OneMachineStack.CHOSEN_BY_THE_STACK.contains(setting.key())).toList();
    footer.addAll(SettingsHelp.lines(shown));
    footer.addAll(SettingsHelp.lines(SensorOptions.SETTINGS));
    footer.add("");
    footer.add("Set by the stack itself: " + String.join(", ", OneMachineStack.CHOSEN_BY_THE_STACK.stream().sorted().toList())
        + " (--data-dir holds the data).");
    command.getCommandSpec().usageMessage().footer(footer.toArray(new String[0]));
  }
}
