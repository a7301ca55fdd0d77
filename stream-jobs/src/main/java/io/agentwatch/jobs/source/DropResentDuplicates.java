package io.agentwatch.jobs.source;

import io.agentwatch.jobs.deadletter.DeadLetterLog;
import io.agentwatch.schema.FlowRecord;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the copies a sensor sends again after a producer failure or a restart (see
 * {@link ResentRecordFilter}), so that neither the flows table nor the windows count a flow twice.
 * Chained to the source, before anything else reads the records; the last sequence per sensor and
 * host is operator state, forgotten after {@link ResentRecordFilter#RETENTION} without records
 * from that host. Dropped copies are counted ({@code resentDuplicateFlowRecords}) and
 * logged at most every ten seconds. Messages that did not decode leave by the side output
 * {@link DeadLetterLog#DEAD_LETTERS}.
 *
 * <p>How the state is redistributed on restore depends on whether the source ends:
 * <ul>
 *   <li>A job that runs for ever: union state, so after a rescale each subtask gets every entry,
 *       whichever partitions it then reads. Its Kafka readers never finish, so its task is never
 *       partly finished.
 *   <li>A bounded job: each subtask's own entries (split list state). Its Kafka readers finish one
 *       by one, and Flink aborts every checkpoint of a task that is partly finished and holds union
 *       state (FLIP-147: "has used UnionListState, but part of its tasks …") until the last reader
 *       finishes: nothing would be committed and a failure would restore from before the first
 *       reader finished. A bounded job restores at the parallelism it runs with, where each subtask
 *       gets back its own entries together with its own Kafka partitions (Flink keeps both
 *       assignments when the parallelism is unchanged); a finished subtask's partitions are not read
 *       again, so its entries are not needed.
 * </ul>
 */
public final class DropResentDuplicates extends ProcessFunction<FlowMessage, FlowRecord> implements CheckpointedFunction {

  private static final Logger LOG = LoggerFactory.getLogger(DropResentDuplicates.class);
  private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final boolean bounded;
  private transient ResentRecordFilter filter;
  private transient ListState<Tuple3<String, Long, Long>> checkpointed;
  private transient Counter dropped;
  private transient long droppedSinceLog;
  private transient long lastLogNanos;

  /** @param bounded true when the source ends (see the class comment for why that matters) */
  public DropResentDuplicates(boolean bounded) {
    this.bounded = bounded;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    filter = new ResentRecordFilter();
    ListStateDescriptor<Tuple3<String, Long, Long>> lastSequences =
        new ListStateDescriptor<>("last sequence per sensor and host", Types.TUPLE(Types.STRING, Types.LONG, Types.LONG));
    checkpointed = bounded
        ? context.getOperatorStateStore().getListState(lastSequences)
        : context.getOperatorStateStore().getUnionListState(lastSequences);
    if (context.isRestored()) {
      for (Tuple3<String, Long, Long> entry : checkpointed.get()) {
        filter.restore(entry.f0, new ResentRecordFilter.Entry(entry.f1, entry.f2));
      }
    }
  }

  @Override
  public void open(OpenContext context) {
    dropped = getRuntimeContext().getMetricGroup().counter("resentDuplicateFlowRecords");
    lastLogNanos = System.nanoTime();
  }

  @Override
  public void processElement(FlowMessage message, Context context, Collector<FlowRecord> out) {
    if (message.deadLetter != null) {
      context.output(DeadLetterLog.DEAD_LETTERS, message.deadLetter);
      return;
    }
    FlowRecord record = message.record;
    if (filter.keep(record.getSensorId(), record.getHost(), record.getSequence(), record.getLastSeen().toEpochMilli(),
        message.resent)) {
      out.collect(record);
      return;
    }
    dropped.inc();
    droppedSinceLog++;
    long now = System.nanoTime();
    if (dropped.getCount() == 1 || now - lastLogNanos > LOG_EVERY_NANOS) {
      logDropped(record);
      lastLogNanos = now;
    }
  }

  @Override
  public void close() {
    if (droppedSinceLog > 0) {
      logDropped(null);
    }
  }

  private void logDropped(FlowRecord latest) {
    LOG.info("dropped {} re-sent cop{} of flow records already received{}; {} in all", droppedSinceLog,
        droppedSinceLog == 1 ? "y" : "ies", latest == null ? "" : " (latest: sensor '" + latest.getSensorId()
            + "', host '" + latest.getHost() + "', sequence " + latest.getSequence() + ")", dropped.getCount());
    droppedSinceLog = 0;
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    checkpointed.clear();
    for (Map.Entry<String, ResentRecordFilter.Entry> entry : filter.snapshot().entrySet()) {
      checkpointed.add(Tuple3.of(entry.getKey(), entry.getValue().sequence(), entry.getValue().eventMillis()));
    }
  }
}
