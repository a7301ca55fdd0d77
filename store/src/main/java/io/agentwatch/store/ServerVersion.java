package io.agentwatch.store;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A ClickHouse version as {@code SELECT version()} gives it ("24.8.1.2", "26.7.3.1", "18.16.1"),
 * compared part by part as numbers, so 24.10 is newer than 24.8.
 */
public final class ServerVersion implements Comparable<ServerVersion> {

  private static final Pattern VERSION = Pattern.compile("\\d{1,9}(\\.\\d{1,9})*");

  private final int[] parts;

  private ServerVersion(int[] parts) {
    this.parts = parts;
  }

  /** The leading dotted numbers of {@code text}; anything after them (a "-testing" suffix) is left out. */
  public static ServerVersion parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    int end = 0;
    while (end < trimmed.length() && (Character.isDigit(trimmed.charAt(end)) || trimmed.charAt(end) == '.')) {
      end++;
    }
    String numbers = trimmed.substring(0, end);
    while (numbers.endsWith(".")) {
      numbers = numbers.substring(0, numbers.length() - 1);
    }
    if (!VERSION.matcher(numbers).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a ClickHouse version (expected numbers and dots, e.g. 24.8.1.2)");
    }
    return new ServerVersion(Arrays.stream(numbers.split("\\.")).mapToInt(Integer::parseInt).toArray());
  }

  /** This version is {@code minimum} or newer; missing parts count as 0 (24.8 is 24.8.0.0). */
  public boolean isAtLeast(ServerVersion minimum) {
    return compareTo(minimum) >= 0;
  }

  @Override
  public int compareTo(ServerVersion other) {
    for (int i = 0; i < Math.max(parts.length, other.parts.length); i++) {
      int mine = i < parts.length ? parts[i] : 0;
      int theirs = i < other.parts.length ? other.parts[i] : 0;
      if (mine != theirs) {
        return Integer.compare(mine, theirs);
      }
    }
    return 0;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ServerVersion version && compareTo(version) == 0;
  }

  @Override
  public int hashCode() {
    // Trailing zeros do not change the version, so they must not change the hash.
    int length = parts.length;
    while (length > 0 && parts[length - 1] == 0) {
      length--;
    }
    return Arrays.hashCode(Arrays.copyOf(parts, length));
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (int part : parts) {
      if (text.length() > 0) {
        text.append('.');
      }
      text.append(part);
    }
    return text.toString();
  }
}
