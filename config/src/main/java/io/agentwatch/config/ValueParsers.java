package io.agentwatch.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The spellings of typed values in configuration files, environment variables and flags. Each
 * parser throws {@link IllegalArgumentException} with a message that completes "KEY: ..." — the
 * caller names the key and where the value came from.
 */
public final class ValueParsers {

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)");

  private ValueParsers() {}

  /** "500ms", "60s", "5m", "1h", "1d"; zero and negative are refused. */
  public static Duration duration(String text) {
    Duration duration = durationOrZero(text);
    if (duration.isZero()) {
      throw new IllegalArgumentException("'" + text + "' must be longer than zero");
    }
    return duration;
  }

  /**
   * The same spelling as {@link #duration}, where zero means "none" (no lateness, no warm-up):
   * "0", "0s", "500ms", "5m". Negative durations are refused.
   */
  public static Duration durationOrZero(String text) {
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    if (trimmed.equals("0")) {
      return Duration.ZERO;
    }
    Matcher matcher = DURATION.matcher(trimmed);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (use a number and a unit: 500ms, 60s, 5m, 1h, 1d)");
    }
    long amount = Long.parseLong(matcher.group(1));
    switch (matcher.group(2)) {
      case "ms":
        return Duration.ofMillis(amount);
      case "s":
        return Duration.ofSeconds(amount);
      case "m":
        return Duration.ofMinutes(amount);
      case "h":
        return Duration.ofHours(amount);
      default:
        return Duration.ofDays(amount);
    }
  }

  /** The spelling {@link #duration} reads, so defaults and --print-config show what a user would write. */
  public static String text(Duration duration) {
    long millis = duration.toMillis();
    if (millis == 0) {
      return "0s";
    }
    if (millis % 86_400_000L == 0) {
      return millis / 86_400_000L + "d";
    }
    if (millis % 3_600_000L == 0) {
      return millis / 3_600_000L + "h";
    }
    if (millis % 60_000L == 0) {
      return millis / 60_000L + "m";
    }
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  /** Bytes: "1048576", "64KiB", "512MiB", "1GiB" (k/m/g are binary too: a spool is sized in pages, not in marketing). */
  public static long size(String text) {
    Matcher matcher = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size (use bytes or a unit: 64KiB, 512MiB, 1GiB)");
    }
    long amount = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2);
    int shift = unit.isEmpty() || unit.equals("b") ? 0
        : switch (unit.charAt(0)) {
          case 'k' -> 10;
          case 'm' -> 20;
          case 'g' -> 30;
          default -> 40;
        };
    if (amount > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return amount << shift;
  }

  /** A host and a port, as {@link #hostPort} reads them. */
  public record HostPort(String host, int port) {}

  /**
   * {@code HOST:PORT}, {@code [IPV6]:PORT} or {@code IPV6:PORT} (the last colon separates the
   * port); port 0..65535 (0: any free one).
   */
  public static HostPort hostPort(String text) {
    String trimmed = text.strip();
    int colon = trimmed.lastIndexOf(':');
    String host = colon > 0 ? trimmed.substring(0, colon).replaceAll("^\\[|]$", "") : "";
    int port = -1;
    try {
      port = colon > 0 ? Integer.parseInt(trimmed.substring(colon + 1)) : -1;
    } catch (NumberFormatException e) {
      // reported below
    }
    if (host.isBlank() || port < 0 || port > 65535) {
      throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (e.g. 127.0.0.1:8080)");
    }
    return new HostPort(host, port);
  }

  public static int integer(String text, int min, int max) {
    int value;
    try {
      value = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a whole number");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(value + " is out of range " + min + ".." + max);
    }
    return value;
  }

  public static long longValue(String text, long min, long max) {
    long value;
    try {
      value = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a whole number");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(value + " is out of range " + min + ".." + max);
    }
    return value;
  }

  /** A finite decimal number: "0.02", "8", "1e-3". */
  public static double decimal(String text) {
    double value;
    try {
      value = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a number");
    }
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("'" + text + "' is not a finite number");
    }
    return value;
  }

  public static boolean bool(String text) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true":
      case "yes":
      case "on":
        return true;
      case "false":
      case "no":
      case "off":
        return false;
      default:
        throw new IllegalArgumentException("'" + text + "' is not true or false");
    }
  }

  /** One of a fixed set of words, compared without case; the message lists them. */
  public static String oneOf(String text, java.util.List<String> choices) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (!choices.contains(value)) {
      throw new IllegalArgumentException("'" + text + "' is not one of " + String.join(", ", choices));
    }
    return value;
  }
}
