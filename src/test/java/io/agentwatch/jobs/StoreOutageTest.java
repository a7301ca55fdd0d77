package io.agentwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.jobs.sink.ClickHouseSinkConfig;
import io.agentwatch.stack.OneMachineStack;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.StoreException;
import io.agentwatch.store.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store refuses every write for 30 s (a wrapper around the real engine that answers with a
 * retriable error, as an unreachable server would). The job must neither fail nor drop anything:
 * it backs off, holds back its input, and every row arrives once the store is back.
 */
class StoreOutageTest {

  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final int RECORDS = 5_000;

  static volatile long outageEndsAtMillis;
  static final AtomicLong refused = new AtomicLong();

  @TempDir Path dir;

  @Test
  void theJobWaitsOutAThirtySecondStoreOutageAndLosesNothing() throws Exception {
    KnownStream stream = new KnownStream(RECORDS, 6, 10, 11);
    try (OneMachineStack stack = OneMachineStack.start(OneMachineStack.Config.embedded(dir))) {
      stream.produce(stack.bootstrapServers(), stack.flowsTopic());
      AgentWatchJobConfig defaults = stack.jobConfig();
      ClickHouseSinkConfig sink = defaults.sink()
          .withOpener(StoreOutageTest::refusingWrites)
          .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2));
      AgentWatchJobConfig job = new AgentWatchJobConfig(defaults.bootstrapServers(), defaults.flowsTopic(),
          defaults.alertsTopic(), null, defaults.consumerGroup(), true, defaults.window(), defaults.outOfOrderness(),
          defaults.idleness(), defaults.allowedLateness(), Duration.ofMillis(500), defaults.checkpointDirectory(), sink,
          defaults.detection(), defaults.kafkaClient());
      Configuration flink = AgentWatchJob.flinkSettings(job);
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
      env.setParallelism(2);
      AgentWatchJob.build(env, job);

      refused.set(0);
      long started = System.currentTimeMillis();
      outageEndsAtMillis = started + OUTAGE.toMillis();
      env.execute("store outage test");
      long took = System.currentTimeMillis() - started;
      System.out.printf("store outage: %d writes refused over %d s, job finished after %d ms%n",
          refused.get(), OUTAGE.toSeconds(), took);

      assertTrue(refused.get() > 0, "the sink tried to write during the outage");
      assertTrue(took >= OUTAGE.toMillis(), "the job waited for the store");
      assertEquals(stream.truth(), KnownStream.windowsIn(stack.store()), "every window arrived, exactly");
      assertEquals(RECORDS + "\n", stack.store().query("SELECT count() FROM flows"), "every raw row arrived once");
    }
  }

  /** The real store, refusing inserts with a retriable error until the outage ends. */
  static ClickHouseStore refusingWrites(StoreConfig config) throws StoreException {
    ClickHouseStore real = Stores.open(config);
    return new ClickHouseStore() {
      @Override
      public void execute(String sql) throws StoreException {
        real.execute(sql);
      }

      @Override
      public String query(String sql) throws StoreException {
        return real.query(sql);
      }

      @Override
      public void insertRowBinary(String table, List<String> columns, byte[] rows, String token)
          throws StoreException {
        if (System.currentTimeMillis() < outageEndsAtMillis) {
          refused.incrementAndGet();
          throw new StoreException("Code: 210. Connection refused (simulated outage)", true);
        }
        real.insertRowBinary(table, columns, rows, token);
      }

      @Override
      public String describe() {
        return real.describe() + " (refusing writes until the outage ends)";
      }

      @Override
      public void close() {
        real.close();
      }
    };
  }
}
