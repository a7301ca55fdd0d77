package io.agentwatch.capture.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The shared capture corpus with published expected values. Its location is the system property
 * {@code agentwatch.corpus}, by default {@code ../testdata} (the repository's own copy) from the module directory.
 */
public final class Corpus {

  private Corpus() {}

  public static Path root() {
    return Paths.get(System.getProperty("agentwatch.corpus", "../testdata")).toAbsolutePath().normalize();
  }

  /** A corpus file; fails the test with a clear message if it is missing. */
  public static Path file(String relative) {
    Path path = root().resolve(relative);
    if (!Files.isRegularFile(path)) {
      throw new AssertionError("corpus file missing: " + path + " (set -Dagentwatch.corpus=...)");
    }
    return path;
  }
}
