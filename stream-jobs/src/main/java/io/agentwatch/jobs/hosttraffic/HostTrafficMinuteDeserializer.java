package io.agentwatch.jobs.hosttraffic;

import io.agentwatch.schema.HostTrafficMinute;
import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.schema.SingleObjectCodec;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Avro single-object {@link HostTrafficMinute}s from the host traffic topic. A message that
 * is not one of a known schema version is counted ({@code malformedHostTrafficMinutes}), logged
 * with its position and skipped, as the flows source does.
 */
public final class HostTrafficMinuteDeserializer implements KafkaRecordDeserializationSchema<HostTrafficMinute> {

  static {
    SchemaTrust.ensure();
  }

  private static final Logger LOG = LoggerFactory.getLogger(HostTrafficMinuteDeserializer.class);

  private transient SingleObjectCodec<HostTrafficMinute> codec;
  private transient Counter malformed;

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    codec = SingleObjectCodec.hostTrafficMinutes();
    malformed = context.getMetricGroup().counter("malformedHostTrafficMinutes");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> message, Collector<HostTrafficMinute> out) {
    try {
      out.collect(codec.decode(message.value()));
    } catch (SingleObjectCodec.MalformedMessageException e) {
      malformed.inc();
      LOG.warn("skipping malformed record at {}-{} offset {}: {}",
          message.topic(), message.partition(), message.offset(), e.getMessage());
    }
  }

  @Override
  public TypeInformation<HostTrafficMinute> getProducedType() {
    return new AvroTypeInfo<>(HostTrafficMinute.class);
  }
}
