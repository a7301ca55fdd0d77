package io.agentwatch.capture.metrics;

/**
 * One health check, asked at every {@code GET /health} on the metrics server's thread: cheap, and
 * safe to call while its component runs. The server combines all checks (the worst status wins); a
 * check that throws counts as failing, with the exception as its reason.
 */
@FunctionalInterface
public interface HealthCheck {

  Health check();
}
