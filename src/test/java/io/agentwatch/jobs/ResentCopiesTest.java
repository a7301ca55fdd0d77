package io.agentwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.OneMachineStack;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sensor whose producer failed sends its unacknowledged records again, marked as re-sent; some
 * had reached the broker before the failure. The job must count each flow once: the copies are
 * dropped, the re-sent records that had not arrived are kept.
 */
class ResentCopiesTest {

  private static final int RECORDS = 6_000;

  @TempDir Path dir;

  @Test
  void copiesOfRecordsAlreadyReceivedAreDroppedAndTheRestOfTheResendIsKept() throws Exception {
    KnownStream stream = new KnownStream(RECORDS, 8, 10, 5);
    List<FlowRecord> records = stream.records;
    int arrived = 3_000; // 1..3000 reached the broker before the producer failed
    int resentFrom = 2_400; // 2401..3600 were unacknowledged and are sent again, marked
    int resentTo = 3_600;
    try (OneMachineStack stack = OneMachineStack.start(OneMachineStack.Config.embedded(dir))) {
      KnownStream.produce(stack.bootstrapServers(), stack.flowsTopic(), records.subList(0, arrived), false);
      KnownStream.produce(stack.bootstrapServers(), stack.flowsTopic(), records.subList(resentFrom, resentTo), true);
      KnownStream.produce(stack.bootstrapServers(), stack.flowsTopic(), records.subList(resentTo, RECORDS), false);

      AgentWatchJobConfig job = stack.jobConfig().withBounded(true);
      Configuration flink = AgentWatchJob.flinkSettings(job);
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
      env.setParallelism(2);
      AgentWatchJob.build(env, job);
      env.execute("re-sent copies test");

      assertEquals(RECORDS + "\n", stack.store().query("SELECT count() FROM flows"),
          (arrived - resentFrom) + " copies must not become rows");
      assertEquals(RECORDS + "\n", stack.store().query("SELECT uniqExact(sequence) FROM flows"));
      assertEquals(stream.truth(), KnownStream.windowsIn(stack.store()), "per-window sums count every flow once");
    }
  }
}
