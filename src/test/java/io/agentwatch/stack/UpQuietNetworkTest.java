package io.agentwatch.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.config.Setting;
import io.agentwatch.config.ValueParsers;
import io.agentwatch.testing.LiveLoopback;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13's quiet network: `agentwatch up --interface lo` with its default settings (1-minute
 * windows, job.idleness 1 min), one TLS upload with curl to an AI vendor name and then nothing on
 * the captured port. No later record comes to close the upload's minute, yet it must be
 * queryable within idleness + 60 s of the minute's end, with the bytes tshark counts. Needs root
 * (or CAP_NET_RAW) and curl, openssl, tshark (dumpcap).
 */
class UpQuietNetworkTest {

  @TempDir Path dir;

  @Test
  void oneFlowThenSilenceItsMinuteIsQueryableWithinIdlenessAndAMinuteOfItsEnd() throws Exception {
    Duration window = upDefault("job.window");
    Duration idleness = upDefault("job.idleness");
    assertEquals(Duration.ofMinutes(1), window, "the test is about up's default windows: minutes");
    Path dataDir = dir.resolve("data");
    try (LiveLoopback loopback = LiveLoopback.start(dir)) {
      loopback.up("up", dataDir);
      LiveLoopback.Capture capture = loopback.capture("flow");
      loopback.upload("api.anthropic.com", 200_000);
      LiveLoopback.Counted truth = capture.stop();

      Instant minuteEnd = truth.lastPacket().truncatedTo(ChronoUnit.MINUTES).plus(window);
      Instant deadline = minuteEnd.plus(idleness).plusSeconds(60);
      Instant queryable = LiveLoopback.assertTotalsReach(dataDir, truth.totals(), deadline,
          "the minute of one flow followed by silence (its last packet " + truth.lastPacket() + ")");
      System.out.printf("quiet network: the flow's minute (ending %s) queryable %.1f s after its end, %.1f s after the"
              + " flow's last packet; bound: idleness %d s + 60 s%n", minuteEnd, seconds(minuteEnd, queryable),
          seconds(truth.lastPacket(), queryable), idleness.toSeconds());
    }
  }

  /** The default of a setting as `up` reads it (the stack's list, with its one-machine defaults). */
  private static Duration upDefault(String key) {
    Setting setting = OneMachineStack.SETTINGS.stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();
    return ValueParsers.duration(setting.defaultText());
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
