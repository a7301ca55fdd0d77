package io.agentwatch.jobs.sink;

import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.StoreException;
import io.agentwatch.store.Stores;
import java.io.Serializable;
import java.time.Duration;

/**
 * @param store where rows go
 * @param delivery {@code sink.delivery}: exactly-once (rows are held until the checkpoint that
 *     covers them completes, then written with a deterministic deduplication token, so a restored
 *     job never writes a row twice; needs checkpointing, and rows become visible once per
 *     checkpoint interval) or at-least-once (rows are written as soon as a batch is full or old,
 *     and again after a restore)
 * @param maxBatchRows {@code sink.max-batch-rows}: a batch is cut once it holds this many rows
 * @param maxBatchAge {@code sink.max-batch-age}: at-least-once only: a batch is written once its
 *     first row is this old (checked on each record and at every checkpoint); in exactly-once mode
 *     the checkpoint interval bounds the age
 * @param initialBackoff {@code sink.initial-backoff}: first wait after a retriable store error;
 *     doubles up to {@code maxBackoff}
 * @param maxBackoff {@code sink.max-backoff}: longest wait between two attempts; the sink retries
 *     until the store is back, holding back its input (back-pressure) rather than dropping rows
 * @param opener how the sink's writers and committers open the store: {@link Stores#open} unless a
 *     test wraps the real store (to make it fail for a while, say)
 */
public record ClickHouseSinkConfig(
    StoreConfig store, Delivery delivery, int maxBatchRows, Duration maxBatchAge, Duration initialBackoff,
    Duration maxBackoff, StoreOpener opener) implements Serializable {

  public enum Delivery {
    EXACTLY_ONCE,
    AT_LEAST_ONCE
  }

  /** Opens a store from its config; serializable so it travels in the job graph. */
  @FunctionalInterface
  public interface StoreOpener extends Serializable {
    ClickHouseStore open(StoreConfig config) throws StoreException;
  }

  public static ClickHouseSinkConfig defaults(StoreConfig store) {
    return new ClickHouseSinkConfig(store, Delivery.EXACTLY_ONCE, 50_000, Duration.ofSeconds(2),
        Duration.ofMillis(200), Duration.ofSeconds(10), Stores::open);
  }

  public ClickHouseSinkConfig withDelivery(Delivery delivery) {
    return new ClickHouseSinkConfig(store, delivery, maxBatchRows, maxBatchAge, initialBackoff, maxBackoff, opener);
  }

  public ClickHouseSinkConfig withOpener(StoreOpener opener) {
    return new ClickHouseSinkConfig(store, delivery, maxBatchRows, maxBatchAge, initialBackoff, maxBackoff, opener);
  }

  public ClickHouseSinkConfig withBackoff(Duration initial, Duration max) {
    return new ClickHouseSinkConfig(store, delivery, maxBatchRows, maxBatchAge, initial, max, opener);
  }

  public ClickHouseSinkConfig validate() {
    if (store == null) {
      throw new IllegalArgumentException("sink.store: missing");
    }
    store.validate();
    if (delivery == null) {
      throw new IllegalArgumentException("sink.delivery: missing (exactly-once or at-least-once)");
    }
    if (maxBatchRows < 1) {
      throw new IllegalArgumentException("sink.max-batch-rows: " + maxBatchRows + " must be at least 1");
    }
    requirePositive("sink.max-batch-age", maxBatchAge);
    requirePositive("sink.initial-backoff", initialBackoff);
    requirePositive("sink.max-backoff", maxBackoff);
    if (opener == null) {
      throw new IllegalArgumentException("sink.opener: missing");
    }
    return this;
  }

  private static void requirePositive(String key, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + ": " + value + " must be a positive duration");
    }
  }
}
