package io.agentwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without libpcap, `flows` says so and how to install it, instead of pcap4j's "... is not supported
 * by the pcap library installed". Each run is a JVM of its own in which pcap4j is pointed at a
 * library name that does not exist (its own org.pcap4j.core.pcapLibName property), which is what a
 * machine without libpcap looks like to it.
 */
class LibpcapMissingTest {

  @TempDir Path dir;

  record Run(int exitCode, String out, String err) {}

  private Run flowsWithoutLibpcap(String... args) throws Exception {
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dorg.pcap4j.core.pcapLibName=agentwatch-no-such-libpcap",
        "-cp", System.getProperty("java.class.path"), "io.agentwatch.cli.AgentWatch", "flows"));
    command.addAll(List.of(args));
    Process flows = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(flows.waitFor(60, TimeUnit.SECONDS), "flows did not end");
    return new Run(flows.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void readingAFileThroughLibpcapNamesTheMissingLibraryAndItsPackage() throws Exception {
    Path capture = FlowsCommandTest.CORPUS.resolve("flowtest/pcap/tls12.pcap").toAbsolutePath();
    Run run = flowsWithoutLibpcap("--read", capture.toString(), "--reader", "libpcap");
    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.err().contains("libpcap not found: install libpcap0.8 (apt-get install libpcap0.8"), run.err());
    assertFalse(run.err().contains("not a readable pcap/pcapng capture"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void capturingLiveNamesTheMissingLibraryAndItsPackage() throws Exception {
    Run run = flowsWithoutLibpcap("--interface", "lo", "--no-warm-up");
    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.err().contains("lo: cannot capture live: libpcap not found: install libpcap0.8"), run.err());
  }
}
