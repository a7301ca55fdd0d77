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

  @Test
  void aRecordFromASensorWithTheFirstFlowRecordVersionIsStillRead() throws Exception {
    org.apache.avro.Schema first = SingleObjectCodec.history(SingleObjectCodec.FLOW_RECORD_HISTORY).get(0);
    assertTrue(first.getField("host_owner") == null, "history file is not the first version");
    org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericRecordBuilder(first)
        .set("sensor_id", "old-sensor").set("sequence", 7L).set("host", "10.0.0.7")
        .set("src_ip", "10.0.0.7").set("src_port", 50123).set("dst_ip", "160.79.104.10").set("dst_port", 443)
        .set("transport", new org.apache.avro.generic.GenericData.EnumSymbol(first.getField("transport").schema(), "TCP"))
        .set("first_seen", 1L).set("last_seen", 2L)
        .set("packets_up", 1L).set("packets_down", 2L).set("bytes_up", 3L).set("bytes_down", 4L)
        .set("identified_by", new org.apache.avro.generic.GenericData.EnumSymbol(first.getField("identified_by").schema(), "SNI"))
        .set("end_reason", new org.apache.avro.generic.GenericData.EnumSymbol(first.getField("end_reason").schema(), "FIN"))
        .set("vendor", "anthropic")
        .build();
    ByteBuffer message = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
        org.apache.avro.generic.GenericData.get(), first).encode(old);
    byte[] bytes = new byte[message.remaining()];
    message.get(bytes);
    FlowRecord read = codec.decode(bytes);
    assertEquals("old-sensor", read.getSensorId());
    assertEquals("anthropic", read.getVendor());
    assertEquals(null, read.getHostOwner());
  }

  @Test
  void hostTrafficMinutesRoundTripAndAreToldApartFromFlowRecordsByTheirFingerprint() throws Exception {
    SingleObjectCodec<HostTrafficMinute> totals = SingleObjectCodec.hostTrafficMinutes();
    HostTrafficMinute minute = HostTrafficMinute.newBuilder()
        .setSensorId("sensor-1").setSequence(43).setHost("dev-laptop-7").setHostTeam("platform")
        .setMinuteStart(Instant.parse("2026-11-21T10:00:00Z"))
        .setPacketsUp(3).setPacketsDown(4).setBytesUp(500).setBytesDown(6000).setFlows(2)
        .build();
    byte[] message = totals.encode(minute);
    byte[] flow = codec.encode(sampleFlow());

    assertEquals(minute, totals.decode(message));
    assertTrue(totals.wrote(message));
    assertTrue(!totals.wrote(flow) && codec.wrote(flow) && !codec.wrote(message));
    assertTrue(!totals.wrote(new byte[] {(byte) 0xC3, 0x01}), "shorter than the header");
  }
  @Test
  void anAlertOfTheFirstVersionIsStillReadWithoutIncidentFields() throws Exception {
    org.apache.avro.Schema first = SingleObjectCodec.history(SingleObjectCodec.EXPOSURE_ALERT_HISTORY).get(0);
    assertTrue(first.getField("incident_id") == null, "history file is not the first version");
    org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericRecordBuilder(first)
        .set("alert_id", "upload-spike/build-42///1000").set("detector", "upload-spike").set("host", "build-42")
        .set("window_start", 1000L).set("window_end", 61_000L).set("observed", 75e6).set("baseline", 57e3)
        .set("score", 1300.0).set("reason", "build-42 uploaded 75.0 MB to AI vendors")
        .build();
    ByteBuffer message = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
        org.apache.avro.generic.GenericData.get(), first).encode(old);
    byte[] bytes = new byte[message.remaining()];
    message.get(bytes);
    ExposureAlert read = SingleObjectCodec.exposureAlerts().decode(bytes);
    assertEquals("build-42", read.getHost());
    assertEquals("", read.getIncidentId());
    assertEquals("", read.getSeverity());
    assertEquals(0, read.getVendorBreakdown().size());
  }
}
