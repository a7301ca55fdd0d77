package io.agentwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.jobs.aggregate.AggregationJob;
import io.agentwatch.jobs.aggregate.AggregationJobConfig;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.OneMachineStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A known stream through the real broker, a Flink MiniCluster and the ClickHouse engine; the job
 * fails once mid-stream, after a checkpoint, and is restored from its last checkpoint. Records
 * after that checkpoint are read and written again; the store must still hold every window's exact
 * sums and one raw row per record.
 */
class ExactlyOnceTest {

  private static final int RECORDS = 30_000;

  @TempDir Path dir;

  @Test
  void aJobRestoredFromItsCheckpointAfterAFailureStoresEveryRecordExactlyOnce() throws Exception {
    KnownStream stream = new KnownStream(RECORDS, 12, 20, 7);
    try (OneMachineStack stack = OneMachineStack.start(OneMachineStack.Config.embedded(dir))) {
      stream.produce(stack.bootstrapServers(), stack.flowsTopic());

      AggregationJobConfig job = stack.jobConfig().withCheckpoints(Duration.ofMillis(500), stack.jobConfig().checkpointDirectory());
      Configuration flink = AggregationJob.flinkSettings(job);
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
      flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
      env.setParallelism(2);
      FailOnceAfterACheckpoint.reset(RECORDS / 2);
      AggregationJob.build(env, job, flows -> flows
          .map(new FailOnceAfterACheckpoint(), new AvroTypeInfo<>(FlowRecord.class)).name("fail once mid-stream"));
      long started = System.nanoTime();
      env.execute("exactly-once test");
      System.out.printf("exactly-once: %d records, job failed once after %d records and %d checkpoints,"
              + " %d records read in all (replay after restore), %d ms%n",
          RECORDS, FailOnceAfterACheckpoint.seenAtFailure.get(), FailOnceAfterACheckpoint.checkpointsBeforeFailure.get(),
          FailOnceAfterACheckpoint.seen.get(), (System.nanoTime() - started) / 1_000_000);

      assertTrue(FailOnceAfterACheckpoint.failed.get(), "the job failed mid-stream");
      assertTrue(FailOnceAfterACheckpoint.seen.get() > RECORDS, "records after the checkpoint were read twice");
      assertTrue(FailOnceAfterACheckpoint.seen.get() < 2L * RECORDS, "restored from a checkpoint, not from the start");
      assertEquals(stream.truth, KnownStream.windowsIn(stack.store()), "per-window sums equal the truth");
      assertEquals(RECORDS + "\n", stack.store().query("SELECT count() FROM flows"), "one raw row per record");
      assertEquals(RECORDS + "\n", stack.store().query("SELECT uniqExact(sequence) FROM flows"));
      assertEquals("0\n", stack.store().query("SELECT count() FROM late_flows"));
    }
  }

  /**
   * Passes records through, slowly enough for checkpoints to complete; throws once when half the
   * records are through and a checkpoint has completed. Static: the MiniCluster runs in this JVM,
   * and the flag must survive the restart.
   */
  static final class FailOnceAfterACheckpoint implements MapFunction<FlowRecord, FlowRecord>, CheckpointListener {
    static final AtomicLong seen = new AtomicLong();
    static final AtomicBoolean failed = new AtomicBoolean();
    static final AtomicInteger checkpoints = new AtomicInteger();
    static final AtomicLong seenAtFailure = new AtomicLong();
    static final AtomicInteger checkpointsBeforeFailure = new AtomicInteger();
    static volatile long failAfter;

    static void reset(long after) {
      seen.set(0);
      failed.set(false);
      checkpoints.set(0);
      failAfter = after;
    }

    @Override
    public FlowRecord map(FlowRecord flow) throws Exception {
      long n = seen.incrementAndGet();
      if (n % 10 == 0) {
        Thread.sleep(1);
      }
      if (n >= failAfter && checkpoints.get() > 0 && failed.compareAndSet(false, true)) {
        seenAtFailure.set(n);
        checkpointsBeforeFailure.set(checkpoints.get());
        throw new IllegalStateException("deliberate failure after " + n + " records");
      }
      return flow;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      checkpoints.incrementAndGet();
    }
  }
}
