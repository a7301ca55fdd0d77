package io.agentwatch.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SingleObjectCodecTest {

  private final SingleObjectCodec<FlowRecord> codec = SingleObjectCodec.flowRecords();

  static FlowRecord sampleFlow() {
    return FlowRecord.newBuilder()
        .setSensorId("sensor-1").setSequence(42).setHost("dev-laptop-7")
        .setSrcIp("10.0.0.7").setSrcPort(50123).setDstIp("160.79.104.10").setDstPort(443)
        .setTransport(Transport.TCP)
        .setFirstSeen(Instant.parse("2026-11-21T10:00:00.123456Z"))
        .setLastSeen(Instant.parse("2026-11-21T10:00:05Z"))
        .setPacketsUp(10).setPacketsDown(12).setBytesUp(4000).setBytesDown(90000)
        .setSni("api.anthropic.com").setVendor("anthropic").setService("api").setCategory("llm-api")
        .setIdentifiedBy(Evidence.SNI).setEndReason(EndReason.FIN)
        .build();
  }

  @Test
  void everyMessageStartsWithMagicAndTheWriterSchemaFingerprint() {
    byte[] message = codec.encode(sampleFlow());
    assertEquals((byte) 0xC3, message[0]);
    assertEquals((byte) 0x01, message[1]);
    long fingerprint = ByteBuffer.wrap(message, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(codec.fingerprint(), fingerprint);
  }

  @Test
  void roundTripKeepsEveryField() throws Exception {
    FlowRecord flow = sampleFlow();
    assertEquals(flow, codec.decode(codec.encode(flow)));
  }

  @Test
  void messageOfAnUnknownSchemaVersionIsRejectedNamingItsFingerprint() {
    byte[] message = codec.encode(sampleFlow());
    message[2] ^= 0x55;
    var e = assertThrows(SingleObjectCodec.MalformedMessageException.class, () -> codec.decode(message));
    assertTrue(e.getMessage().contains("unknown writer schema fingerprint"), e.getMessage());
  }

  @Test
  void bytesThatAreNotAvroAreRejectedClearly() {
    var e = assertThrows(SingleObjectCodec.MalformedMessageException.class,
        () -> codec.decode("{\"json\":1}".getBytes()));
    assertTrue(e.getMessage().contains("not an Avro single-object message"), e.getMessage());
  }

  @Test
  void truncatedMessageIsRejected() {
    byte[] message = codec.encode(sampleFlow());
    byte[] cut = Arrays.copyOf(message, message.length / 2);
    assertThrows(SingleObjectCodec.MalformedMessageException.class, () -> codec.decode(cut));
    assertArrayEquals(message, codec.encode(sampleFlow()));
  }
}
