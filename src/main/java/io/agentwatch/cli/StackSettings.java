package io.agentwatch.cli;

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

/** The settings of a one-machine stack (`up`, `replay`): a YAML file, the environment, --set. */
final class StackSettings {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML file with settings listed below.")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Any setting below, e.g. --set detect.spike.score=6 --set job.window=30s; repeatable.")
  Map<String, String> set = new LinkedHashMap<>();

  /** The stack's config; a bad setting is exit code 2, naming it. */
  OneMachineStack.Config load(Path kafkaDir, Path clickhouseDir, boolean bounded) {
    try {
      return OneMachineStack.Config.load(kafkaDir, clickhouseDir, bounded, set, configFile, System.getenv());
    } catch (ConfigException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
  }

  /** The settings table under a stack command's options: --help documents every key it reads. */
  static void addHelp(CommandLine command) {
    List<String> footer = new ArrayList<>();
    footer.add("");
    footer.add("Settings (YAML key; environment variable; default):");
    List<Setting> shown = OneMachineStack.SETTINGS.stream()
        .filter(setting -> !OneMachineStack.CHOSEN_BY_THE_STACK.contains(setting.key())).toList();
    footer.addAll(SettingsHelp.lines(shown));
    footer.add("");
    footer.add("Set by the stack itself: " + String.join(", ", OneMachineStack.CHOSEN_BY_THE_STACK.stream().sorted().toList())
        + " (--data-dir holds the data).");
    command.getCommandSpec().usageMessage().footer(footer.toArray(new String[0]));
  }
}
