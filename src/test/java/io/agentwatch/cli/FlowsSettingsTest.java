package io.agentwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.cli.FlowsCommandTest.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** `flows --set KEY=VALUE`: the sensor's keys, read as `agentwatch sensor` reads them. */
class FlowsSettingsTest {

  private static final Path TLS12 = FlowsCommandTest.CORPUS.resolve("flowtest/pcap/tls12.pcap");

  @Test
  void anActiveTimeoutGivenWithSetSplitsTheFlowIntoRecordsThatSumToThePublishedTotals() throws Exception {
    Run run = FlowsCommandTest.agentwatch("flows", "--read", TLS12.toString(),
        "--set", "flows.active-timeout=1s", "--set", "flows.tcp-idle-timeout=5m");
    assertEquals(0, run.exitCode(), run.err());
    long packetsUp = 0;
    long bytesDown = 0;
    for (String line : run.out().lines().toList()) {
      JsonNode record = new ObjectMapper().readTree(line);
      packetsUp += record.get("packets_up").asLong();
      bytesDown += record.get("bytes_down").asLong();
    }
    assertTrue(run.out().lines().count() > 1, run.out());
    assertEquals(15, packetsUp);
    assertEquals(3798, bytesDown);
  }

  @Test
  void aMisspeltKeyIsRefusedNamingItsSourceAndTheKeyMeant() {
    Run run = FlowsCommandTest.agentwatch("flows", "--read", TLS12.toString(), "--set", "flows.active-timeot=1s");
    assertEquals(2, run.exitCode(), run.err());
    assertEquals("flows: invalid setting: unknown key 'flows.active-timeot' (in the command line); "
        + "did you mean 'flows.active-timeout'?", run.err().strip());
    assertEquals("", run.out());
  }

  @Test
  void helpListsTheKeysWithTheirDefaults() {
    Run run = FlowsCommandTest.agentwatch("flows", "--help");
    assertTrue(run.out().contains("flows.active-timeout DURATION"), run.out());
    assertTrue(run.out().contains("AGENTWATCH_FLOWS_ACTIVE_TIMEOUT; default 1m"), run.out());
  }
}
