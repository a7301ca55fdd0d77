package io.agentwatch.capture.metrics;

/**
 * Something that publishes metrics: the sensor's counters ({@link SensorMetrics}), the delivery to
 * Kafka, the spool. Called on the metrics server's thread at every scrape, so it must be safe to
 * call while its component runs on other threads (read volatile or atomic values, or a snapshot);
 * it should take its values, not compute them. An exception fails that scrape (HTTP 500), not the
 * endpoint.
 */
@FunctionalInterface
public interface MetricsSource {

  void writeTo(MetricsWriter out);
}
