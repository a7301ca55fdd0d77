package io.agentwatch.capture.config;

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
    Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (use a number and a unit: 500ms, 60s, 5m, 1h, 1d)");
    }
    long amount = Long.parseLong(matcher.group(1));
    Duration duration;
    switch (matcher.group(2)) {
      case "ms":
        duration = Duration.ofMillis(amount);
        break;
      case "s":
        duration = Duration.ofSeconds(amount);
        break;
      case "m":
        duration = Duration.ofMinutes(amount);
        break;
      case "h":
        duration = Duration.ofHours(amount);
        break;
      default:
        duration = Duration.ofDays(amount);
        break;
    }
    if (duration.isZero()) {
      throw new IllegalArgumentException("'" + text + "' must be longer than zero");
    }
    return duration;
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
}
