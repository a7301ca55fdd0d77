package io.agentwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.SingleObjectCodec;
import io.agentwatch.stack.OneMachineStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records the job cannot take — garbage bytes, a flow record of an unknown schema version, one cut
 * short, one whose address cannot be encoded, one the store's constraint refuses — among good ones
 * on the real broker, through the
 * job in a MiniCluster that may not restart: the job runs to the end, every good record is
 * stored, and each bad one is in dead_letters with where it came from, why, and its bytes.
 */
class PoisonRecordsTest {

  private static final int RECORDS = 4_000;

  @TempDir Path dir;

  @Test
  void badRecordsGoToDeadLettersAndEveryGoodRecordIsStored() throws Exception {
    KnownStream stream = new KnownStream(RECORDS, 6, 8, 11);
    SingleObjectCodec<FlowRecord> codec = SingleObjectCodec.flowRecords();
    byte[] garbage = "this is no flow record".getBytes(StandardCharsets.US_ASCII);
    byte[] unknownVersion = codec.encode(badCopy(stream.records.get(0), "newer-sensor", 9_001));
    unknownVersion[2] ^= 0x5A; // a fingerprint this reader does not know
    byte[] full = codec.encode(badCopy(stream.records.get(1), "flaky-sensor", 9_002));
    byte[] truncated = Arrays.copyOf(full, full.length / 2);
    FlowRecord unwritable = badCopy(stream.records.get(2), "known", RECORDS + 1);
    unwritable.setSrcIp("not-an-address");
    unwritable.setVendor(null); // not in the windows' truth either way
    unwritable.setService(null);
    FlowRecord refused = badCopy(stream.records.get(3), "known", RECORDS + 2);
    refused.setDstPort(0); // encodes, but the store's constraint below refuses it
    refused.setVendor(null);
    refused.setService(null);

    try (OneMachineStack stack = OneMachineStack.start(OneMachineStack.Config.embedded(dir))) {
      String topic = stack.flowsTopic();
      // A value the table refuses only when the batch is inserted: the sink must find that row
      // among the good ones of its batch.
      stack.store().execute("ALTER TABLE flows ADD CONSTRAINT real_destination_port CHECK dst_port > 0");
      KnownStream.produce(stack.bootstrapServers(), topic, stream.records.subList(0, RECORDS / 2), false);
      produceRaw(stack.bootstrapServers(), topic, List.of(garbage, unknownVersion, truncated, codec.encode(unwritable), codec.encode(refused)));
      KnownStream.produce(stack.bootstrapServers(), topic, stream.records.subList(RECORDS / 2, RECORDS), false);

      AgentWatchJobConfig job = stack.jobConfig().withBounded(true);
      Configuration flink = AgentWatchJob.flinkSettings(job);
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // one failure would end the test
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
      env.setParallelism(2);
      AgentWatchJob.build(env, job);
      env.execute("poison records test");

      assertEquals(RECORDS + "\n", stack.store().query("SELECT count() FROM flows"), "every good record stored");
      assertEquals(RECORDS + "\n", stack.store().query("SELECT uniqExact(sequence) FROM flows WHERE sequence <= " + RECORDS));
      assertEquals(stream.truth(), KnownStream.windowsIn(stack.store()), "windows of the good records");

      List<String> letters = List.of(stack.store().query(
          "SELECT stage, sensor_id, sequence, topic, offset >= 0, reason, raw FROM dead_letters"
              + " ORDER BY stage, sensor_id FORMAT TSVRaw").strip().split("\n"));
      assertEquals(5, letters.size(), String.join("\n", letters));
      assertDeadLetter(letters.get(0), "decode", "", 0, topic, "not an Avro single-object message", garbage);
      assertDeadLetter(letters.get(1), "decode", "flaky-sensor", 9_002, topic, "corrupt FlowRecord message", truncated);
      assertDeadLetter(letters.get(2), "decode", "newer-sensor", 9_001, topic, "unknown writer schema fingerprint", unknownVersion);
      String[] encode = letters.get(3).split("\t", -1);
      assertEquals(List.of("encode flows", "known", String.valueOf(RECORDS + 1), "", "0"), List.of(encode).subList(0, 5));
      assertTrue(encode[5].contains("not an IP address literal: 'not-an-address'"), encode[5]);
      assertTrue(new String(Base64.getDecoder().decode(encode[6]), StandardCharsets.UTF_8).contains("\"not-an-address\""),
          "the record's text is kept");
      String[] insert = letters.get(4).split("\t", -1);
      assertEquals(List.of("insert flows", "known", String.valueOf(RECORDS + 2), "", "0"), List.of(insert).subList(0, 5));
      assertTrue(insert[5].contains("VIOLATED_CONSTRAINT"), insert[5]);
      assertTrue(new String(Base64.getDecoder().decode(insert[6]), StandardCharsets.UTF_8).startsWith("\u0005known"),
          "the refused RowBinary row is kept");
    }
  }

  private static void assertDeadLetter(String row, String stage, String sensor, long sequence, String topic,
      String reasonStart, byte[] raw) {
    String[] fields = row.split("\t", -1);
    assertEquals(List.of(stage, sensor, String.valueOf(sequence), topic, "1"), List.of(fields).subList(0, 5), row);
    assertTrue(fields[5].startsWith(reasonStart), fields[5]);
    assertEquals(Base64.getEncoder().encodeToString(raw), fields[6], "the message's bytes, as sent");
  }

  private static FlowRecord badCopy(FlowRecord good, String sensorId, long sequence) {
    return FlowRecord.newBuilder(good).setSensorId(sensorId).setSequence(sequence).build();
  }

  private static void produceRaw(String bootstrapServers, String topic, List<byte[]> values) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      for (byte[] value : values) {
        producer.send(new ProducerRecord<>(topic, "host-0".getBytes(StandardCharsets.UTF_8), value));
      }
      producer.flush();
    }
  }
}
