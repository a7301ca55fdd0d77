package io.agentwatch.stack;

import static io.agentwatch.testing.LiveLoopback.add;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.testing.AgentWatchProcess;
import io.agentwatch.testing.LiveLoopback;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `agentwatch up` as a user runs it: a process of its own capturing live on the loopback
 * interface, real curl clients uploading over TLS to AI vendor names served by openssl on
 * 127.0.0.2, and `agentwatch query` asking the running stack. Its per-host × vendor totals must
 * equal what tshark counts in a parallel capture, across a SIGTERM and a second `up` on the same
 * data directory, stopped while a window is open: no window lost, none counted twice. The
 * windows (10 s here) close on the quiet network without a later record (job.idleness=5s). Needs root (or CAP_NET_RAW) and
 * curl, openssl, tshark (dumpcap).
 */
class UpServiceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Short windows, so the test waits seconds where the defaults wait minutes. */
  private static final String[] SHORT_WINDOWS =
      {"--set", "job.window=10s", "--set", "job.idleness=5s", "--set", "job.checkpoint-interval=1s"};

  @TempDir Path dir;

  @Test
  void totalsEqualTsharksAcrossARestartAndQuietMinutesClose() throws Exception {
    Path dataDir = dir.resolve("data");
    try (LiveLoopback loopback = LiveLoopback.start(dir)) {
      Map<String, long[]> truth = new TreeMap<>();

      Process up = loopback.up("first", dataDir, SHORT_WINDOWS);
      LiveLoopback.Capture capture = loopback.capture("run1");
      loopback.upload("api.anthropic.com", 300_000);
      loopback.upload("api.openai.com", 120_000);
      loopback.upload("api.anthropic.com", 50_000);
      add(truth, capture.stop().totals());
      assertTotalsReach(dataDir, truth, "while the first run goes on");

      // One more upload, and the stop while its window is still open: the window must carry over.
      capture = loopback.capture("run1b");
      loopback.upload("api.openai.com", 40_000);
      add(truth, capture.stop().totals());
      up.destroy(); // SIGTERM
      assertTrue(up.waitFor(30, TimeUnit.SECONDS), "up did not stop within 30 s of SIGTERM:\n" + loopback.log("first"));
      assertEquals(0, up.exitValue(), loopback.log("first"));
      assertTrue(loopback.log("first").contains("AgentWatch stopped"), loopback.log("first"));

      up = loopback.up("second", dataDir, SHORT_WINDOWS);
      assertTrue(loopback.log("second").contains("restoring"), "the job goes on from the saved state:\n" + loopback.log("second"));
      capture = loopback.capture("run2");
      loopback.upload("api.openai.com", 80_000);
      loopback.upload("api.anthropic.com", 20_000);
      add(truth, capture.stop().totals());
      assertTotalsReach(dataDir, truth, "after the second run: the sum of both runs");
      JsonNode records = JSON.readTree(AgentWatchProcess.query(dataDir, "stored_records")).get(0);
      assertEquals(LiveLoopback.SENSOR_ID + "/live", records.path("sensor_id").asText());
      assertEquals(records.path("last_sequence").asLong(), records.path("rows").asLong(),
          "records 1..N of both runs, each stored once (none re-read after the restart): " + records);
      assertEquals(records.path("rows").asLong(), records.path("sequences").asLong(), records.toString());

      up.destroy();
      assertTrue(up.waitFor(30, TimeUnit.SECONDS), loopback.log("second"));
    }
  }

  /** The minutes close idleness + one window after the traffic: 150 s is plenty. */
  private static void assertTotalsReach(Path dataDir, Map<String, long[]> expected, String when) throws Exception {
    LiveLoopback.assertTotalsReach(dataDir, expected, Instant.now().plusSeconds(150), when);
  }
}
