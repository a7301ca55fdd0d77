package io.agentwatch.jobs.sink;

import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import io.agentwatch.config.ValueParsers;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.StoreException;
import io.agentwatch.store.Stores;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

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

  private static final ClickHouseSinkConfig DEFAULTS = defaults(null);

  /** The sink's keys, with the defaults above: --help and the loader ({@link #from}) read this list. */
  public static final List<Setting> SETTINGS = List.of(
      Setting.value("sink.delivery", "exactly-once|at-least-once", text(DEFAULTS.delivery),
          "exactly-once: rows written once per checkpoint, never twice; at-least-once: sooner, again after a restore"),
      Setting.value("sink.max-batch-rows", "N", String.valueOf(DEFAULTS.maxBatchRows), "a batch is cut once it holds this many rows"),
      Setting.value("sink.max-batch-age", "DURATION", ValueParsers.text(DEFAULTS.maxBatchAge),
          "at-least-once: a batch is written once its first row is this old"),
      Setting.value("sink.initial-backoff", "DURATION", ValueParsers.text(DEFAULTS.initialBackoff),
          "first wait after a retriable store error; doubles up to sink.max-backoff"),
      Setting.value("sink.max-backoff", "DURATION", ValueParsers.text(DEFAULTS.maxBackoff),
          "longest wait between two attempts; the sink holds its input back until the store is back"));

  /** The sink's settings from loaded settings (which must know {@link #SETTINGS}), writing to {@code store}. */
  public static ClickHouseSinkConfig from(Settings s, StoreConfig store) {
    Delivery delivery = s.parse("sink.delivery", text -> {
      for (Delivery candidate : Delivery.values()) {
        if (text(candidate).equals(text.strip().toLowerCase(Locale.ROOT))) {
          return candidate;
        }
      }
      throw new IllegalArgumentException("must be exactly-once or at-least-once, got '" + text + "'");
    });
    Integer rows = s.parse("sink.max-batch-rows", text -> ValueParsers.integer(text, 1, Integer.MAX_VALUE));
    ClickHouseSinkConfig config = new ClickHouseSinkConfig(store, delivery, rows == null ? 1 : rows,
        s.parse("sink.max-batch-age", ValueParsers::duration), s.parse("sink.initial-backoff", ValueParsers::duration),
        s.parse("sink.max-backoff", ValueParsers::duration), Stores::open);
    s.check(config::validateOwnKeys);
    return config;
  }

  private static String text(Delivery delivery) {
    return delivery.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public ClickHouseSinkConfig withDelivery(Delivery delivery) {
    return new ClickHouseSinkConfig(store, delivery, maxBatchRows, maxBatchAge, initialBackoff, maxBackoff, opener);
  }

  public ClickHouseSinkConfig withStore(StoreConfig store) {
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
    return validateOwnKeys();
  }

  /** The sink.* keys alone (the store is checked by its own keys). */
  private ClickHouseSinkConfig validateOwnKeys() {
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
