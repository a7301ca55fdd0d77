package io.agentwatch.jobs.hosttraffic;

import io.agentwatch.config.KafkaClientSecurity;
import io.agentwatch.jobs.AgentWatchJobConfig;
import io.agentwatch.jobs.sink.ClickHouseSink;
import io.agentwatch.jobs.sink.TableEncoder;
import io.agentwatch.schema.HostTrafficMinute;
import io.agentwatch.store.HostTrafficRows;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The host traffic topic into ClickHouse: the per-host minute totals sensors send for the traffic
 * they do not report as flow records (export scope ai), one row per message into
 * {@code host_traffic_1m} through the exactly-once ClickHouse sink.
 *
 * <pre>
 *   host-traffic topic ──→ ClickHouse host_traffic_1m
 * </pre>
 *
 * Nothing is aggregated here: the sensor already summed per host and minute, and the table keys
 * rows by (sensor, sequence), so copies a sensor sent again replace themselves (no de-duplication
 * operator, no windows, no watermarks). Its own branch beside the flows branch, on the same
 * environment, settings and sink configuration.
 */
public final class HostTrafficBranch {

  static final TableEncoder<HostTrafficMinute> ROWS =
      new TableEncoder<>(HostTrafficRows.TABLE, HostTrafficRows.COLUMNS, HostTrafficRows::encode);

  private HostTrafficBranch() {}

  /**
   * Adds the branch reading the config's host-traffic topic to {@code env}, which the job has
   * configured (checkpoints) from {@code config}: the same brokers, bounded or not, consumer group
   * (suffixed) and sink.
   */
  public static void build(StreamExecutionEnvironment env, AgentWatchJobConfig config) {
    String topic = config.hostTrafficTopic();
    env.fromSource(source(config, topic), WatermarkStrategy.noWatermarks(), topic + " topic")
        .sinkTo(new ClickHouseSink<>(config.sink(), ROWS)).name("ClickHouse " + ROWS.table());
  }

  private static KafkaSource<HostTrafficMinute> source(AgentWatchJobConfig config, String topic) {
    KafkaSourceBuilder<HostTrafficMinute> source = KafkaSource.<HostTrafficMinute>builder()
        .setBootstrapServers(config.bootstrapServers())
        .setProperties(KafkaClientSecurity.asProperties(config.kafkaClient()))
        .setTopics(topic)
        .setGroupId(config.consumerGroup() + "-host-traffic")
        .setDeserializer(new HostTrafficMinuteDeserializer());
    if (config.bounded()) {
      source.setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest());
    } else {
      source.setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
    }
    return source.build();
  }
}
