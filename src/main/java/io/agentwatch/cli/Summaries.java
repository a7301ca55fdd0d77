package io.agentwatch.cli;

import io.agentwatch.capture.SensorStats;
import java.nio.file.Path;

/** One-line summaries of what a run did, for stderr. */
final class Summaries {

  private Summaries() {}

  static String of(Path capture, SensorStats stats) {
    StringBuilder line = new StringBuilder()
        .append(capture.getFileName()).append(": ")
        .append(stats.packetsRead()).append(" packets read, ")
        .append(stats.packetsDecoded()).append(" in flows, ")
        .append(stats.packetsSkipped()).append(" skipped");
    if (!stats.packetsSkippedByReason().isEmpty()) {
      line.append(' ').append(stats.packetsSkippedByReason());
    }
    return line.append("; ").append(stats.flowsCreated()).append(" flows, ")
        .append(stats.recordsExported()).append(" flow records").toString();
  }
}
