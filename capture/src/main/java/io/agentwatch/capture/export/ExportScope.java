package io.agentwatch.capture.export;

import java.util.Locale;

/**
 * Which flows leave the sensor as flow records ({@code export.scope}). Data minimisation: with
 * {@link #AI} the addresses, ports and names of every other endpoint stay on the sensor, and that
 * traffic leaves only as per-host per-minute totals ({@code HostTrafficMinute}), enough to compute
 * the share of a host's upload that goes to AI vendors.
 */
public enum ExportScope {
  /** Flow records only for flows identified as a catalogued AI vendor; the rest as per-host minute totals. */
  AI,
  /** A flow record for every flow (a local tool such as {@code agentwatch flows}, or an explicit choice). */
  ALL;

  /** {@code ai} or {@code all}. */
  public static ExportScope parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "ai" -> AI;
      case "all" -> ALL;
      default -> throw new IllegalArgumentException("'" + text + "' is not one of ai, all");
    };
  }
}
