package io.agentwatch.config;

import java.util.Locale;

/**
 * One configuration key: its dotted name as written in the YAML file ({@code kafka.topic} is
 * {@code kafka: {topic: ...}}), what it means, and its default. The environment variable is derived
 * from the name: {@code AGENTWATCH_KAFKA_TOPIC}.
 *
 * @param key dotted name
 * @param valueLabel how the value is spelled in help, e.g. "DURATION", "host:port"
 * @param defaultText the default as text, or null when there is none
 * @param description one line for --help and the documentation
 * @param kind a single value, a list, a map of free keys below the name, or a secret (read only from
 *     the environment; the file holds the name of a file with the secret instead)
 */
public record Setting(String key, String valueLabel, String defaultText, String description, Kind kind) {

  public enum Kind { VALUE, LIST, MAP, SECRET }

  public static Setting value(String key, String valueLabel, String defaultText, String description) {
    return new Setting(key, valueLabel, defaultText, description, Kind.VALUE);
  }

  public static Setting list(String key, String valueLabel, String description) {
    return new Setting(key, valueLabel, null, description, Kind.LIST);
  }

  public static Setting map(String key, String description) {
    return new Setting(key, "KEY: VALUE", null, description, Kind.MAP);
  }

  public static Setting secret(String key, String description) {
    return new Setting(key, "SECRET", null, description, Kind.SECRET);
  }

  /** The same key with another default, for a program whose context differs (the one-machine stack checkpoints more often). */
  public Setting withDefault(String defaultText) {
    return new Setting(key, valueLabel, defaultText, description, kind);
  }

  public String environmentVariable() {
    return "AGENTWATCH_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
