package io.agentwatch.jobs.source;

import io.agentwatch.schema.FlowMessageHeaders;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.schema.SingleObjectCodec;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Avro single-object flow records from the flows topic, with the sensor's re-sent mark
 * ({@link FlowMessageHeaders#RESENT}). A message that is not a flow record
 * of a known schema version is counted ({@code malformedFlowRecords}), logged with its position
 * and skipped: one bad producer must not stop the job.
 */
public final class FlowRecordDeserializer implements KafkaRecordDeserializationSchema<FlowMessage> {

  static {
    SchemaTrust.ensure();
  }

  private static final Logger LOG = LoggerFactory.getLogger(FlowRecordDeserializer.class);

  private transient SingleObjectCodec<FlowRecord> codec;
  private transient Counter malformed;

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    codec = SingleObjectCodec.flowRecords();
    malformed = context.getMetricGroup().counter("malformedFlowRecords");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> message, Collector<FlowMessage> out) {
    try {
      out.collect(new FlowMessage(codec.decode(message.value()), message.headers().lastHeader(FlowMessageHeaders.RESENT) != null));
    } catch (SingleObjectCodec.MalformedMessageException e) {
      malformed.inc();
      LOG.warn("skipping malformed record at {}-{} offset {}: {}",
          message.topic(), message.partition(), message.offset(), e.getMessage());
    }
  }

  @Override
  public TypeInformation<FlowMessage> getProducedType() {
    return TypeInformation.of(FlowMessage.class);
  }
}
