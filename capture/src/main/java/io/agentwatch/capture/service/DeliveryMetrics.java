package io.agentwatch.capture.service;

import io.agentwatch.capture.export.SpoolingKafkaExporter.DeliveryStats;
import io.agentwatch.capture.metrics.Health;
import io.agentwatch.capture.metrics.HealthCheck;
import io.agentwatch.capture.metrics.MetricsSource;
import io.agentwatch.capture.metrics.MetricsWriter;
import io.agentwatch.capture.spool.SpoolStats;
import java.util.function.Supplier;

/**
 * The delivery side of the sensor as metrics (records sent, spooled, dropped; producer errors;
 * spool size; lag) and as a health check: failing when the broker rejects the credentials,
 * degraded while records wait longer than {@link #LAG_DEGRADED_SECONDS} or after drops.
 */
final class DeliveryMetrics implements MetricsSource, HealthCheck {

  static final long LAG_DEGRADED_SECONDS = 60;

  private final Supplier<DeliveryStats> stats;

  DeliveryMetrics(Supplier<DeliveryStats> stats) {
    this.stats = stats;
  }

  @Override
  public void writeTo(MetricsWriter out) {
    DeliveryStats delivery = stats.get();
    SpoolStats spool = delivery.spool();
    out.counter("agentwatch_records_sent_total", "Flow records the Kafka broker acknowledged.", delivery.sent());
    out.counter("agentwatch_records_spooled_total", "Flow records written to the on-disk spool (every record passes it).",
        spool.appended());
    out.gauge("agentwatch_spool_records", "Flow records in the spool not yet acknowledged by Kafka.", spool.pending());
    out.gauge("agentwatch_spool_bytes", "Bytes of spool files on disk.", spool.bytes());
    out.counter("agentwatch_records_dropped_total", "Unsent flow records dropped because the spool was full.",
        spool.dropped());
    out.counter("agentwatch_kafka_producer_errors_total",
        "Producer failures; each restarts delivery from the oldest unacknowledged record.", delivery.producerErrors());
    out.gauge("agentwatch_delivery_lag_seconds",
        "Age of the oldest flow record not yet acknowledged by Kafka; 0 when all are delivered.", lagSeconds(spool));
    out.gauge("agentwatch_last_send_timestamp_seconds", "When Kafka last acknowledged a record (Unix time).",
        delivery.lastAcknowledgedMillis() / 1000.0);
  }

  @Override
  public Health check() {
    DeliveryStats delivery = stats.get();
    SpoolStats spool = delivery.spool();
    if (delivery.credentialsRejected()) {
      return Health.failing("Kafka rejects the sensor's credentials: " + delivery.lastError());
    }
    double lag = lagSeconds(spool);
    Health health = lag > LAG_DEGRADED_SECONDS
        ? Health.degraded(String.format("%d flow records wait in the spool, the oldest for %.0f s%s", spool.pending(), lag,
            delivery.lastError() == null ? "" : " (last error: " + delivery.lastError() + ")"))
        : Health.ok("delivery to Kafka: " + spool.pending() + " records pending");
    if (spool.dropped() > 0) {
      health = health.and(Health.degraded(spool.dropped() + " flow records dropped because the spool was full"));
    }
    return health;
  }

  private static double lagSeconds(SpoolStats spool) {
    return spool.oldestPendingMillis() == 0 ? 0 : Math.max(0, System.currentTimeMillis() - spool.oldestPendingMillis()) / 1000.0;
  }
}
