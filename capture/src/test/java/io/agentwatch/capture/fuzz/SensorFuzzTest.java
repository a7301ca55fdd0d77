package io.agentwatch.capture.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.decode.PacketDecoder;
import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.source.CaptureException;
import io.agentwatch.capture.source.DirectFileSource;
import java.nio.ByteBuffer;

/**
 * Fuzz targets for the sensor's parsers of untrusted bytes. A normal test run replays the seeds and
 * every regression input under {@code src/test/resources/io/agentwatch/capture/fuzz/SensorFuzzTestInputs/<method>/};
 * with {@code JAZZER_FUZZ=1} one target at a time fuzzes for its maxDuration (see capture/README.md),
 * and a crash is written there as a new regression input.
 */
class SensorFuzzTest {

  private static final int[] LINK_TYPES = {
      PacketDecoder.DLT_EN10MB, PacketDecoder.DLT_RAW, PacketDecoder.LINKTYPE_RAW, PacketDecoder.DLT_NULL,
      PacketDecoder.DLT_LOOP, PacketDecoder.DLT_LINUX_SLL, PacketDecoder.DLT_LINUX_SLL2};

  private static final SensorConfig CONFIG = SensorConfig.defaults("fuzz");

  /**
   * Arbitrary frames of arbitrary link types through decoder, flow table and identification:
   * nothing may throw, and every frame is either decoded or skipped for a reason.
   */
  @FuzzTest(maxDuration = "60s")
  void framesOfAnyLinkTypeDecodeOrAreCounted(FuzzedDataProvider data) {
    Sensor sensor = new Sensor(CONFIG, new InMemoryFlowSink());
    long time = 1_700_000_000_000_000_000L;
    int frames = 0;
    while (data.remainingBytes() > 0 && frames < 64) {
      int linkType = data.consumeBoolean() ? data.pickValue(LINK_TYPES) : data.consumeInt();
      time += data.consumeLong(-1_000_000_000L, 120_000_000_000L); // also out of order
      byte[] frame = data.consumeBytes(data.consumeInt(0, 4096));
      int offset = frame.length == 0 ? 0 : data.consumeInt(0, frame.length);
      sensor.onPacket(time, linkType, frame, offset, frame.length - offset);
      frames++;
    }
    sensor.finish();
    SensorStats stats = sensor.stats();
    assertEquals(stats.packetsRead(), stats.packetsDecoded() + stats.packetsSkipped());
  }

  /** Arbitrary bytes as a pcap/pcapng file: read to the end or a CaptureException, nothing else. */
  @FuzzTest(maxDuration = "60s")
  void anyFileIsReadOrRejectedWithACaptureException(byte[] file) {
    Sensor sensor = new Sensor(CONFIG, new InMemoryFlowSink());
    try (DirectFileSource source = DirectFileSource.of("fuzz.pcap", ByteBuffer.wrap(file))) {
      sensor.run(source);
    } catch (CaptureException expected) {
      // truncated or corrupt: the message says which
    }
  }
}
