package io.agentwatch.jobs.sink;

import io.agentwatch.store.StoreConfig;
import java.io.Serializable;
import java.time.Duration;

/**
 * @param store where rows go
 * @param maxBatchRows a batch is written once it holds this many rows
 * @param maxBatchAge a batch is written once its first row is this old (checked on each record and
 *     at every checkpoint)
 * @param initialBackoff first wait after a retriable store error; doubles up to {@code maxBackoff}
 * @param maxBackoff longest wait between two attempts; the writer retries until the store is back,
 *     holding back its input (back-pressure) rather than dropping rows
 */
public record ClickHouseSinkConfig(
    StoreConfig store, int maxBatchRows, Duration maxBatchAge, Duration initialBackoff, Duration maxBackoff)
    implements Serializable {

  public static ClickHouseSinkConfig defaults(StoreConfig store) {
    return new ClickHouseSinkConfig(store, 50_000, Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(10));
  }

  public ClickHouseSinkConfig validate() {
    if (store == null) {
      throw new IllegalArgumentException("sink.store: missing");
    }
    store.validate();
    if (maxBatchRows < 1) {
      throw new IllegalArgumentException("sink.max-batch-rows: " + maxBatchRows + " must be at least 1");
    }
    requirePositive("sink.max-batch-age", maxBatchAge);
    requirePositive("sink.initial-backoff", initialBackoff);
    requirePositive("sink.max-backoff", maxBackoff);
    return this;
  }

  private static void requirePositive(String key, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + ": " + value + " must be a positive duration");
    }
  }
}
