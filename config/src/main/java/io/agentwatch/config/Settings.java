package io.agentwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Raw configuration values from their sources, strongest first: command line, environment
 * ({@code AGENTWATCH_...}), the YAML file, the defaults. Typed getters parse a value and, when it is
 * wrong, record a problem naming the key, where the value came from and what is wrong, so that
 * {@link #throwIfProblems} reports every mistake at once instead of one per start.
 */
public final class Settings {

  /** A value and where it came from, e.g. "sensor.yaml" or "environment variable AGENTWATCH_KAFKA_TOPIC". */
  private record Value(Object value, String origin) {}

  private final Map<String, Setting> known = new LinkedHashMap<>();
  private final Map<String, Value> values = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> maps = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();

  private Settings(List<Setting> settings) {
    settings.forEach(setting -> known.put(setting.key(), setting));
  }

  /**
   * @param file the YAML file, or null for none
   * @param environment usually {@code System.getenv()}
   * @param commandLine values given as flags, by key (a list value as a List of strings)
   */
  public static Settings load(List<Setting> settings, Path file, Map<String, String> environment, Map<String, Object> commandLine) {
    Settings loaded = new Settings(settings);
    if (file != null) {
      loaded.readFile(file);
    }
    loaded.readEnvironment(environment);
    commandLine.forEach((key, value) -> loaded.put(key, value, "the command line", false));
    return loaded;
  }

  public String text(String key) {
    Value value = values.get(requireKnown(key));
    if (value == null) {
      return known.get(key).defaultText();
    }
    return value.value() instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
        : (String) value.value();
  }

  public boolean isSet(String key) {
    return values.containsKey(requireKnown(key));
  }

  public List<String> list(String key) {
    Value value = values.get(requireKnown(key));
    if (value == null) {
      return List.of();
    }
    if (value.value() instanceof List<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    return List.of(((String) value.value()).split("\\s*,\\s*"));
  }

  public Map<String, String> map(String key) {
    requireKnown(key);
    return maps.getOrDefault(key, Map.of());
  }

  /** The value parsed; on a bad value the problem is recorded and null returned. */
  public <T> T parse(String key, Function<String, T> parser) {
    String text = text(key);
    if (text == null) {
      return null;
    }
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      problem(key, e.getMessage());
      return null;
    }
  }

  public String origin(String key) {
    Value value = values.get(requireKnown(key));
    return value == null ? "default" : value.origin();
  }

  /** Records a problem with a key, naming where its value came from. */
  public void problem(String key, String message) {
    problems.add(key + ": " + message + (isSet(key) ? " (from " + origin(key) + ")" : ""));
  }

  /**
   * Runs a component's own checks (a config record's {@code validate()}) and records the
   * IllegalArgumentException they throw, whose message starts with the key, as a problem naming
   * where that key's value came from.
   */
  public void check(Runnable validation) {
    try {
      validation.run();
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      int colon = message.indexOf(": ");
      String key = colon < 0 ? null : message.substring(0, colon);
      if (key != null && known.containsKey(key)) {
        if (problems.stream().noneMatch(problem -> problem.startsWith(key + ": "))) {
          problem(key, message.substring(colon + 2)); // else its value did not parse: said already
        }
      } else {
        problems.add(message);
      }
    }
  }

  /** True when {@code file} (the value of {@code key}) is a readable file; else a problem naming it. */
  public boolean requireReadable(String key, Path file) {
    if (Files.isRegularFile(file) && Files.isReadable(file)) {
      return true;
    }
    problem(key, file + (Files.exists(file) ? " is not a readable file" : " does not exist"));
    return false;
  }

  /**
   * A required secret: from its environment variable ({@code key}, a {@link Setting.Kind#SECRET})
   * or the file named by {@code key-file}, not both; null and a problem when missing.
   */
  public String secret(String key) {
    String value = optionalSecret(key);
    if (value == null && !isSet(key + "-file")) {
      problem(key, "missing; set environment variable " + setting(key).environmentVariable()
          + " or name a file with " + key + "-file");
    }
    return value;
  }

  /** Like {@link #secret}, but null without a problem when neither source is given. */
  public String optionalSecret(String key) {
    boolean fromEnvironment = isSet(key);
    Path file = parse(key + "-file", Path::of);
    if (fromEnvironment && file != null) {
      problem(key + "-file", "the secret is also set in the environment; use one of them");
      return null;
    }
    if (fromEnvironment) {
      return text(key);
    }
    if (file == null || !requireReadable(key + "-file", file)) {
      return null;
    }
    try {
      String secret = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).strip();
      if (secret.isEmpty()) {
        problem(key + "-file", file + " is empty");
        return null;
      }
      return secret;
    } catch (IOException e) {
      problem(key + "-file", "cannot read " + file + ": " + e.getMessage());
      return null;
    }
  }

  public void throwIfProblems() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /** The definition of a key (for its environment variable, its help). */
  public Setting setting(String key) {
    return known.get(requireKnown(key));
  }

  public List<Setting> known() {
    return List.copyOf(known.values());
  }

  // ---- sources

  private void readFile(Path file) {
    String name = file.toString();
    if (!Files.isReadable(file)) {
      problems.add("configuration file " + name + (Files.exists(file) ? " is not readable" : " does not exist"));
      return;
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      problems.add("configuration file " + name + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
      return;
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return;
    }
    if (!root.isObject()) {
      problems.add("configuration file " + name + ": expected keys and values at the top level");
      return;
    }
    flatten("", root, name);
  }

  private void flatten(String prefix, JsonNode node, String origin) {
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      Setting setting = known.get(key);
      if (setting != null && setting.kind() == Setting.Kind.MAP) {
        if (!value.isObject()) {
          problems.add(key + ": expected keys and values below it (from " + origin + ")");
        } else {
          collectMap(key, "", value, origin);
        }
      } else if (value.isObject() && setting == null) {
        flatten(key, value, origin);
      } else if (!value.isNull()) {
        put(key, value.isArray() ? elements(value) : value.asText(), origin, true);
      }
    }
  }

  private void collectMap(String key, String prefix, JsonNode node, String origin) {
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = prefix + field.getKey();
      if (field.getValue().isObject()) {
        collectMap(key, name + ".", field.getValue(), origin);
      } else {
        JsonNode value = field.getValue();
        // A list below a map (a receiver's teams: [ml, data]) reads as "ml,data", as a list value does.
        String text = value.isArray() ? String.join(",", elements(value)) : value.asText();
        maps.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(name, text);
      }
    }
  }

  private static List<String> elements(JsonNode array) {
    List<String> elements = new ArrayList<>();
    array.forEach(element -> elements.add(element.asText()));
    return elements;
  }

  private void readEnvironment(Map<String, String> environment) {
    for (Setting setting : known.values()) {
      String value = environment.get(setting.environmentVariable());
      if (value != null && !value.isEmpty() && setting.kind() == Setting.Kind.MAP) {
        // A map in one variable: KEY=VALUE pairs separated by commas.
        for (String pair : value.split(",")) {
          int eq = pair.indexOf('=');
          if (eq <= 0) {
            problems.add(setting.key() + ": '" + pair + "' is no KEY=VALUE pair (from environment variable "
                + setting.environmentVariable() + ")");
          } else {
            maps.computeIfAbsent(setting.key(), k -> new LinkedHashMap<>())
                .put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
          }
        }
      } else if (value != null && !value.isEmpty()) {
        values.put(setting.key(), new Value(value, "environment variable " + setting.environmentVariable()));
      }
    }
  }

  private void put(String key, Object value, String origin, boolean fromFile) {
    Setting setting = known.get(key);
    Setting map = setting == null ? mapAbove(key) : null;
    if (map != null && !fromFile) {
      // --set MAP.KEY=VALUE: one entry of a map setting.
      maps.computeIfAbsent(map.key(), k -> new LinkedHashMap<>()).put(key.substring(map.key().length() + 1), String.valueOf(value));
      return;
    }
    if (setting == null) {
      String suggestion = closest(key);
      problems.add("unknown key '" + key + "' (in " + origin + ")"
          + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?"));
      return;
    }
    if (setting.kind() == Setting.Kind.SECRET) {
      problems.add(key + ": secrets are not read from " + (fromFile ? "the configuration file" : origin)
          + "; set environment variable " + setting.environmentVariable() + " or name a file with " + key + "-file");
      return;
    }
    if (setting.kind() == Setting.Kind.MAP) {
      problems.add(key + ": expected keys and values below it (from " + origin + ")");
      return;
    }
    values.put(key, new Value(value, origin));
  }

  private Setting mapAbove(String key) {
    for (Setting setting : known.values()) {
      if (setting.kind() == Setting.Kind.MAP && key.startsWith(setting.key() + ".")) {
        return setting;
      }
    }
    return null;
  }

  private String requireKnown(String key) {
    if (!known.containsKey(key)) {
      throw new IllegalArgumentException("no setting " + key);
    }
    return key;
  }

  /** The known key nearest to a misspelt one, if it is near enough to be a typo. */
  private String closest(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known.keySet()) {
      int distance = editDistance(key, candidate);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 4) ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
