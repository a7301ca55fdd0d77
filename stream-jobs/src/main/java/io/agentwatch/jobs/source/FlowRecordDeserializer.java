package io.agentwatch.jobs.source;

import io.agentwatch.jobs.deadletter.DeadLetterLog;
import io.agentwatch.schema.FlowMessageHeaders;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.schema.SingleObjectCodec;
import io.agentwatch.store.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads Avro single-object flow records from the flows topic, with the sensor's re-sent mark
 * ({@link FlowMessageHeaders#RESENT}). A message that is not a flow record of a known schema
 * version (bad magic, unknown fingerprint, truncated or corrupt Avro) becomes a dead letter: passed
 * on as a {@link FlowMessage} without a record, for {@link DropResentDuplicates} to send to the
 * dead_letters table, and reported ({@link DeadLetterLog}). One bad producer must not stop the job.
 */
public final class FlowRecordDeserializer implements KafkaRecordDeserializationSchema<FlowMessage> {

  static {
    SchemaTrust.ensure();
  }

  private static final int HEADER_LENGTH = 10; // C3 01 and the 8-byte fingerprint
  private static final int MAX_SENSOR_ID_BYTES = 256;

  private transient SingleObjectCodec<FlowRecord> codec;
  private transient DeadLetterLog deadLetters;

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    codec = SingleObjectCodec.flowRecords();
    deadLetters = new DeadLetterLog(context.getMetricGroup());
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> message, Collector<FlowMessage> out) {
    byte[] value = message.value() == null ? new byte[0] : message.value();
    try {
      out.collect(new FlowMessage(codec.decode(value), message.headers().lastHeader(FlowMessageHeaders.RESENT) != null));
    } catch (SingleObjectCodec.MalformedMessageException e) {
      DeadLetter letter = deadLetter(message.topic(), message.partition(), message.offset(), value, e.getMessage());
      deadLetters.report(letter);
      out.collect(FlowMessage.deadLetter(letter));
    }
  }

  /**
   * A dead letter for a message that did not decode, with the sensor id and sequence read from its
   * start when it has one: every FlowRecord version begins with sensor_id (Avro string) and
   * sequence (Avro long) after the single-object header, so they are readable even when the
   * fingerprint is unknown or the rest is cut off.
   */
  static DeadLetter deadLetter(String topic, int partition, long offset, byte[] value, String reason) {
    String sensorId = "";
    long sequence = 0;
    if (value.length > HEADER_LENGTH && value[0] == (byte) 0xC3 && value[1] == 0x01) {
      int[] position = {HEADER_LENGTH};
      long length = readVarLong(value, position);
      if (length > 0 && length <= MAX_SENSOR_ID_BYTES && position[0] + length <= value.length) {
        try {
          String text = StandardCharsets.UTF_8.newDecoder()
              .decode(ByteBuffer.wrap(value, position[0], (int) length)).toString();
          position[0] += (int) length;
          long afterText = readVarLong(value, position);
          if (afterText >= 0) {
            sensorId = text;
            sequence = afterText;
          }
        } catch (CharacterCodingException e) {
          // not text: the start of the message is not a sensor id either
        }
      }
    }
    return new DeadLetter(System.currentTimeMillis(), sensorId, sequence, topic, partition, offset,
        DeadLetter.DECODE, reason, value);
  }

  /** An Avro (zig-zag varint) long at {@code position[0]}, advancing it; -1 when it runs off the end. */
  private static long readVarLong(byte[] bytes, int[] position) {
    long raw = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position[0] >= bytes.length) {
        return -1;
      }
      byte b = bytes[position[0]++];
      raw |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    return -1;
  }

  @Override
  public TypeInformation<FlowMessage> getProducedType() {
    return TypeInformation.of(FlowMessage.class);
  }
}
