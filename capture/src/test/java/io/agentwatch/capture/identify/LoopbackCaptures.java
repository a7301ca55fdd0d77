package io.agentwatch.capture.identify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/** What the tests that capture real clients on loopback share: programs they need, and a dumpcap that has started. */
final class LoopbackCaptures {

  private LoopbackCaptures() {}

  /** Fails naming the Debian package ({@code packageOf}) when {@code program} is not on the PATH. */
  static void requireProgram(String program, Map<String, String> packageOf) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Paths.get(directory, program))) {
        return;
      }
    }
    throw new AssertionError(program + " is not installed; this test needs it: apt-get install " + packageOf.get(program));
  }

  /** Waits until dumpcap has written {@code capture}'s header; fails with dumpcap's {@code log} when it does not. */
  static void awaitCaptureStarted(Path capture, Path log) throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      if (Files.exists(capture) && Files.size(capture) >= 24) {
        Thread.sleep(500); // the file header is written as the capture starts; give the filter a moment
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("dumpcap did not start capturing on lo; log: " + Files.readString(log));
  }
}
