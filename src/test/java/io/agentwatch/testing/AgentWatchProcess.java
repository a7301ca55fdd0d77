package io.agentwatch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.cli.AgentWatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** `agentwatch ARGS` as a process of its own (this JVM's class path and --add-opens), its output in {@code dir/NAME.log}. */
public final class AgentWatchProcess {

  /** The last line of `up`'s start-up summary: every line before it is out, the feeds run. */
  public static final String UP_SUMMARY_END = "Ctrl-C or SIGTERM stops it";

  private AgentWatchProcess() {}

  public static Process start(Path dir, String name, String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("--add-opens")).forEach(command::add);
    command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.agentwatch.cli.AgentWatch"));
    command.addAll(List.of(arguments));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(dir, name).toFile()).start();
  }

  /**
   * `agentwatch up ARGS` started, once its whole start-up summary is out; fails with its output
   * when it ends first or takes more than {@code seconds}.
   */
  public static Process startUp(Path dir, String name, int seconds, String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("up"));
    command.addAll(List.of(arguments));
    Process up = start(dir, name, command.toArray(String[]::new));
    try {
      for (int i = 0; i < seconds * 10 && !output(dir, name).contains(UP_SUMMARY_END); i++) {
        assertTrue(up.isAlive(), "up ended at start:\n" + output(dir, name));
        Thread.sleep(100);
      }
      assertTrue(output(dir, name).contains(UP_SUMMARY_END), "up did not start in " + seconds + " s:\n" + output(dir, name));
      return up;
    } catch (Throwable failed) {
      up.destroyForcibly();
      throw failed;
    }
  }

  /** `agentwatch query NAME --format json` in this JVM, as a user asks a running stack (its API answers). */
  public static String query(Path dataDir, String name) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = AgentWatch.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    assertEquals(0, cli.execute("query", name, "--format", "json", "--data-dir", dataDir.toString()), err.toString());
    return out.toString();
  }

  public static Path log(Path dir, String name) {
    return dir.resolve(name + ".log");
  }

  /** What the process wrote so far ("" before it wrote anything). */
  public static String output(Path dir, String name) throws IOException {
    Path file = log(dir, name);
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
