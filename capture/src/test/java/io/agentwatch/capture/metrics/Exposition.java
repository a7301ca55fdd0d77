package io.agentwatch.capture.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, written from the format's description rather
 * than from {@link MetricsWriter}: every line must be a HELP, a TYPE or a sample of the grammar;
 * HELP and TYPE at most once per family and before its samples; a family's samples together; no
 * series twice; counters named {@code *_total} and not negative. Any violation fails with the line
 * number. The parsed families and samples (label values and help unescaped) are kept for asserts.
 */
final class Exposition {

  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final String LABEL_NAME = "[a-zA-Z_][a-zA-Z0-9_]*";
  private static final String LABEL_VALUE = "(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*";
  private static final String LABEL = LABEL_NAME + "=\"" + LABEL_VALUE + "\"";
  private static final String VALUE = "[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]Inf|NaN";

  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") ((?:[^\\\\\\n]|\\\\[\\\\n])*)");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE = Pattern.compile(
      "(" + NAME + ")(?:\\{((?:" + LABEL + ")(?:," + LABEL + ")*,?)?\\})? (" + VALUE + ")(?: -?[0-9]+)?");
  private static final Pattern ONE_LABEL = Pattern.compile("(" + LABEL_NAME + ")=\"(" + LABEL_VALUE + ")\"");

  record Sample(String name, Map<String, String> labels, double value) {}

  final Map<String, String> types = new LinkedHashMap<>();
  final Map<String, String> helps = new LinkedHashMap<>();
  final List<Sample> samples = new ArrayList<>();

  private Exposition() {}

  static Exposition parse(String text) {
    Exposition parsed = new Exposition();
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new AssertionError("exposition does not end with a line feed");
    }
    Set<String> closed = new HashSet<>();
    Set<String> series = new HashSet<>();
    String current = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      String where = "line " + (i + 1) + " '" + line + "': ";
      Matcher m;
      String family;
      if ((m = HELP.matcher(line)).matches()) {
        family = m.group(1);
        if (parsed.helps.put(family, unescape(m.group(2), false)) != null) {
          throw new AssertionError(where + "second HELP for " + family);
        }
        if (parsed.types.containsKey(family)) {
          throw new AssertionError(where + "HELP after TYPE for " + family + " (MetricsWriter writes HELP first)");
        }
      } else if ((m = TYPE.matcher(line)).matches()) {
        family = m.group(1);
        if (parsed.types.put(family, m.group(2)) != null) {
          throw new AssertionError(where + "second TYPE for " + family);
        }
        String typed = family;
        if (parsed.samples.stream().anyMatch(s -> s.name().equals(typed))) {
          throw new AssertionError(where + "TYPE after samples of " + family);
        }
      } else if ((m = SAMPLE.matcher(line)).matches()) {
        family = m.group(1);
        String type = parsed.types.get(family);
        if (type == null || !parsed.helps.containsKey(family)) {
          throw new AssertionError(where + "sample without HELP and TYPE before it");
        }
        Map<String, String> labels = labels(m.group(2), where);
        if (!series.add(family + labels)) {
          throw new AssertionError(where + "series written twice");
        }
        double value = value(m.group(3));
        if (type.equals("counter")) {
          if (!family.endsWith("_total")) {
            throw new AssertionError(where + "counter not named *_total");
          }
          if (value < 0) {
            throw new AssertionError(where + "negative counter");
          }
        }
        parsed.samples.add(new Sample(family, labels, value));
      } else {
        throw new AssertionError(where + "neither HELP, TYPE nor a sample of the 0.0.4 grammar");
      }
      if (!family.equals(current)) {
        if (!closed.add(family)) {
          throw new AssertionError(where + family + " continues after another family: samples not together");
        }
        current = family;
      }
    }
    return parsed;
  }

  /** The value of one series; fails if it is not there. */
  double value(String name, String... labels) {
    Map<String, String> wanted = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    for (Sample sample : samples) {
      if (sample.name().equals(name) && sample.labels().equals(wanted)) {
        return sample.value();
      }
    }
    throw new AssertionError("no series " + name + wanted + " among " + samples);
  }

  List<Sample> family(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  private static Map<String, String> labels(String text, String where) {
    Map<String, String> labels = new TreeMap<>();
    if (text == null) {
      return labels;
    }
    Matcher m = ONE_LABEL.matcher(text);
    while (m.find()) {
      if (labels.put(m.group(1), unescape(m.group(2), true)) != null) {
        throw new AssertionError(where + "label " + m.group(1) + " twice");
      }
    }
    return labels;
  }

  private static double value(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  private static String unescape(String text, boolean quotes) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char next = text.charAt(++i);
      switch (next) {
        case '\\' -> out.append('\\');
        case 'n' -> out.append('\n');
        case '"' -> {
          if (!quotes) {
            throw new AssertionError("\\\" is not an escape in HELP: " + text);
          }
          out.append('"');
        }
        default -> throw new AssertionError("bad escape \\" + next + " in " + text);
      }
    }
    return out.toString();
  }
}
