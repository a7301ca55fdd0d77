package io.agentwatch.jobs.alert;

import java.io.Serializable;

/**
 * Where the alerts sink writes.
 *
 * @param bootstrapServers the Kafka cluster ({@code kafka.bootstrap-servers})
 * @param topic {@code kafka.alerts-topic}
 * @param exactlyOnce transactional, so Kafka and the ClickHouse alerts table see the same alerts
 *     (follows {@code sink.delivery})
 * @param transactionalIdPrefix unique per job on the cluster (the job's consumer group + "-alerts")
 */
public record AlertSinkConfig(String bootstrapServers, java.util.Map<String, String> kafkaClient, String topic, boolean exactlyOnce, String transactionalIdPrefix)
    implements Serializable {}
