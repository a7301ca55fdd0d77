package io.agentwatch.config;

import java.util.List;

/**
 * The configuration cannot be used. The message names every bad setting, where it came from (file,
 * environment variable, command line) and what is wrong, one per line.
 */
public final class ConfigException extends IllegalArgumentException {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(problems.size() == 1 ? problems.get(0)
        : problems.size() + " configuration problems:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  public List<String> problems() {
    return problems;
  }
}
