package io.agentwatch.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** `agentwatch ARGS` as a process of its own (this JVM's class path and --add-opens), its output in {@code dir/NAME.log}. */
public final class AgentWatchProcess {

  private AgentWatchProcess() {}

  public static Process start(Path dir, String name, String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("--add-opens")).forEach(command::add);
    command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.agentwatch.cli.AgentWatch"));
    command.addAll(List.of(arguments));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(dir, name).toFile()).start();
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
