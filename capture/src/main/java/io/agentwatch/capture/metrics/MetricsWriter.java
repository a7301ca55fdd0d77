package io.agentwatch.capture.metrics;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One scrape in the Prometheus text exposition format, version 0.0.4: {@code # HELP} and
 * {@code # TYPE} once per family, then the family's samples, families in the order they were first
 * written. Several {@link MetricsSource}s write into one writer; samples of the same family stay
 * together even when two sources add to it.
 *
 * <p>Naming, as Prometheus asks: {@code agentwatch_} prefix, snake case, the unit in the name
 * ({@code _seconds}, {@code _bytes}), counters end in {@code _total} and only counters do. Labels
 * are given as name/value pairs: {@code counter("agentwatch_decode_errors_total", help, 3, "reason",
 * "truncated")}. A misuse (bad name, odd label list, a family written with two types or two help
 * texts, the same series twice, a negative counter) throws {@link IllegalArgumentException}: it is a
 * programming error, and the endpoint answers that scrape with 500.
 */
public final class MetricsWriter {

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final double LARGEST_EXACT_INTEGER = 0x1p53;

  private enum Type {
    COUNTER,
    GAUGE;

    String label() {
      return this == COUNTER ? "counter" : "gauge";
    }
  }

  private static final class Family {
    final Type type;
    final String help;
    final StringBuilder samples = new StringBuilder();
    final Set<String> series = new HashSet<>();

    Family(Type type, String help) {
      this.type = type;
      this.help = help;
    }
  }

  private final Map<String, Family> families = new LinkedHashMap<>();

  /** A counter sample: a count that only goes up (and back to 0 when the process restarts). */
  public MetricsWriter counter(String name, String help, long value, String... labels) {
    if (value < 0) {
      throw new IllegalArgumentException("metric " + name + ": a counter cannot be negative, was " + value);
    }
    return sample(Type.COUNTER, name, help, labels, Long.toString(value));
  }

  /** A counter sample with a fractional value, e.g. {@code agentwatch_..._seconds_total}. */
  public MetricsWriter counter(String name, String help, double value, String... labels) {
    if (value < 0) {
      throw new IllegalArgumentException("metric " + name + ": a counter cannot be negative, was " + value);
    }
    return sample(Type.COUNTER, name, help, labels, number(value));
  }

  /** A gauge sample: a value that goes up and down (flows open, spool bytes). */
  public MetricsWriter gauge(String name, String help, long value, String... labels) {
    return sample(Type.GAUGE, name, help, labels, Long.toString(value));
  }

  /** A gauge sample with a fractional value; NaN and infinities are written as Prometheus spells them. */
  public MetricsWriter gauge(String name, String help, double value, String... labels) {
    return sample(Type.GAUGE, name, help, labels, number(value));
  }

  /** The exposition text: every family written so far, each line ending in a line feed. */
  public String text() {
    StringBuilder text = new StringBuilder(256 * families.size());
    for (Map.Entry<String, Family> entry : families.entrySet()) {
      Family family = entry.getValue();
      text.append("# HELP ").append(entry.getKey()).append(' ');
      escapeHelp(family.help, text);
      text.append('\n');
      text.append("# TYPE ").append(entry.getKey()).append(' ').append(family.type.label()).append('\n');
      text.append(family.samples);
    }
    return text.toString();
  }

  private MetricsWriter sample(Type type, String name, String help, String[] labels, String value) {
    StringBuilder line = new StringBuilder(name.length() + 16 * labels.length + value.length() + 2);
    line.append(name);
    appendLabels(name, labels, line);
    Family family = family(type, name, help);
    if (!family.series.add(line.substring(name.length()))) {
      throw new IllegalArgumentException("metric " + name + ": series " + line + " written twice");
    }
    family.samples.append(line).append(' ').append(value).append('\n');
    return this;
  }

  private Family family(Type type, String name, String help) {
    Family family = families.get(name);
    if (family != null) {
      if (family.type != type) {
        throw new IllegalArgumentException(
            "metric " + name + ": written as a " + type.label() + " but already a " + family.type.label());
      }
      if (!family.help.equals(help)) {
        throw new IllegalArgumentException("metric " + name + ": written with two different help texts");
      }
      return family;
    }
    if (name == null || !METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("metric name '" + name + "' is not [a-zA-Z_:][a-zA-Z0-9_:]*");
    }
    if (type == Type.COUNTER && !name.endsWith("_total")) {
      throw new IllegalArgumentException("metric " + name + ": a counter's name must end in _total");
    }
    if (type == Type.GAUGE && name.endsWith("_total")) {
      throw new IllegalArgumentException("metric " + name + ": only counters end in _total");
    }
    if (help == null || help.isBlank()) {
      throw new IllegalArgumentException("metric " + name + ": help text missing");
    }
    family = new Family(type, help);
    families.put(name, family);
    return family;
  }

  private static void appendLabels(String metric, String[] labels, StringBuilder line) {
    if (labels.length == 0) {
      return;
    }
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException(
          "metric " + metric + ": labels must be name/value pairs, got " + labels.length + " strings");
    }
    line.append('{');
    for (int i = 0; i < labels.length; i += 2) {
      String labelName = labels[i];
      String labelValue = labels[i + 1];
      if (labelName == null || !LABEL_NAME.matcher(labelName).matches() || labelName.startsWith("__")) {
        throw new IllegalArgumentException(
            "metric " + metric + ": label name '" + labelName + "' is not [a-zA-Z_][a-zA-Z0-9_]* (and not __*)");
      }
      for (int j = 0; j < i; j += 2) {
        if (labels[j].equals(labelName)) {
          throw new IllegalArgumentException("metric " + metric + ": label " + labelName + " given twice");
        }
      }
      if (labelValue == null) {
        throw new IllegalArgumentException("metric " + metric + ": label " + labelName + " has no value");
      }
      if (i > 0) {
        line.append(',');
      }
      line.append(labelName).append("=\"");
      escapeLabelValue(labelValue, line);
      line.append('"');
    }
    line.append('}');
  }

  /** Label values escape backslash, double quote and line feed. */
  static void escapeLabelValue(String value, StringBuilder out) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  /** Help texts escape backslash and line feed (a double quote stays as it is). */
  static void escapeHelp(String help, StringBuilder out) {
    for (int i = 0; i < help.length(); i++) {
      char c = help.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  /**
   * A sample value: integers (up to 2^53, where doubles are still exact) without a fraction or an
   * exponent, other finite values as Java's round-trip decimal (which Prometheus parses, exponent
   * included), {@code NaN}, {@code +Inf}, {@code -Inf}.
   */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) <= LARGEST_EXACT_INTEGER) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
