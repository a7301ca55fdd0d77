package io.agentwatch.cli;

import io.agentwatch.stack.DataDirectory;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The --data-dir option, the same for every command that reads or runs a stack. */
final class DataDirOption {

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "The stack's data directory (default: $XDG_DATA_HOME/agentwatch, else ~/.local/share/agentwatch).")
  Path path;

  DataDirectory dataDirectory() {
    return path != null ? new DataDirectory(path) : DataDirectory.defaultLocation(System.getenv());
  }
}
