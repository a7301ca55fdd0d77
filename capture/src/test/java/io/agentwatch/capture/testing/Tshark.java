package io.agentwatch.capture.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs tshark (Debian package "tshark") as the second implementation; fails, never skips, without it. */
public final class Tshark {

  private Tshark() {}

  /**
   * One line per matching packet: the fields separated by '|', repeated values joined by ','.
   *
   * @param filter a display filter, or null for every packet
   */
  public static List<String[]> fields(Path capture, String filter, List<String> options, String... fields)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tshark", "-r", capture.toString(), "-T", "fields",
        "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,"));
    if (filter != null) {
      command.addAll(List.of("-Y", filter));
    }
    command.addAll(options);
    for (String field : fields) {
      command.add("-e");
      command.add(field);
    }
    Process process;
    try {
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw new AssertionError("tshark is needed for this cross-check: apt-get install tshark (" + e.getMessage() + ")", e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError("tshark failed on " + capture + ": exit " + process.exitValue());
    }
    List<String[]> rows = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (!line.isBlank()) {
        rows.add(line.split("\\|", -1));
      }
    }
    return rows;
  }
}
