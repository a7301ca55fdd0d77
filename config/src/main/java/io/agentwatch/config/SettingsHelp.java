package io.agentwatch.config;

import java.util.ArrayList;
import java.util.List;

/** The table of keys that --help prints under a command's options, from the same list the loader reads. */
public final class SettingsHelp {

  private SettingsHelp() {}

  /** Two lines per key: name, value and meaning; then where else it can be set and its default. */
  public static List<String> lines(List<Setting> settings) {
    List<String> lines = new ArrayList<>();
    for (Setting setting : settings) {
      lines.add(String.format("  %-42s %s", setting.key() + " " + setting.valueLabel(), setting.description()));
      String where = setting.kind() == Setting.Kind.SECRET ? "environment only: " + setting.environmentVariable()
          : setting.kind() == Setting.Kind.MAP ? "keys and values below it in YAML; --set " + setting.key() + ".NAME=VALUE; "
              + setting.environmentVariable() + "='NAME=VALUE,...'"
          : setting.environmentVariable() + (setting.defaultText() == null ? "" : "; default " + setting.defaultText());
      lines.add(String.format("  %-42s   %s", "", where));
    }
    return lines;
  }
}
