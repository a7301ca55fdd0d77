package io.agentwatch.jobs.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.Transport;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.FlowRows;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.StoreConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink's writer and committer on the real engine, exactly-once: a batch with a record that
 * cannot be encoded and a row the store refuses stores every other row once and both bad ones in
 * dead_letters — also when a restored job commits the same batches a second time.
 */
class ClickHouseSinkDeadLetterTest {

  private static final int RECORDS = 50;

  @TempDir Path dir;

  @Test
  void badRowsOfABatchGoToDeadLettersAndTheGoodOnesLandOnceEvenWhenCommittedAgain() throws Exception {
    try (ClickHouseStore store = EmbeddedChdbStore.open(dir)) {
      Migrations.bundled(store).apply();
      store.execute("ALTER TABLE flows ADD CONSTRAINT real_destination_port CHECK dst_port > 0");
      ClickHouseSinkConfig config = ClickHouseSinkConfig.defaults(StoreConfig.embedded(dir.toString()));
      TableEncoder<FlowRecord> encoder = new TableEncoder<>(FlowRows.TABLE, FlowRows.COLUMNS, FlowRows::encode)
          .withOrigin(FlowRecord::getSensorId, FlowRecord::getSequence);

      Collection<ClickHouseBatch> batches;
      try (ClickHouseSink.Writer<FlowRecord> writer =
          new ClickHouseSink.Writer<>(config, encoder, new UnregisteredMetricsGroup())) {
        for (int i = 1; i <= RECORDS; i++) {
          FlowRecord flow = flow(i);
          if (i == 10) {
            flow.setSrcIp("not-an-address");
          }
          if (i == 20) {
            flow.setDstPort(0);
          }
          writer.write(flow, null);
        }
        writer.flush(false);
        batches = writer.prepareCommit();
      }
      try (ClickHouseSink.BatchCommitter committer =
          new ClickHouseSink.BatchCommitter(config, encoder, new UnregisteredMetricsGroup())) {
        committer.commit(requests(batches));
        committer.commit(requests(batches)); // a job restored from the checkpoint commits them again
      }

      assertEquals((RECORDS - 2) + "\t" + (RECORDS - 2) + "\n", store.query("SELECT count(), uniqExact(sequence) FROM flows"));
      assertEquals("0\n", store.query("SELECT count() FROM flows WHERE sequence IN (10, 20)"));
      assertEquals("encode flows\tsensor-1\t10\ninsert flows\tsensor-1\t20\n",
          store.query("SELECT stage, sensor_id, sequence FROM dead_letters ORDER BY stage"));
    }
  }

  private static FlowRecord flow(long sequence) {
    Instant lastSeen = Instant.parse("2026-11-02T09:00:00Z").plusSeconds(sequence);
    return FlowRecord.newBuilder()
        .setSensorId("sensor-1").setSequence(sequence).setHost("host-1")
        .setSrcIp("10.0.0.1").setSrcPort(40_000).setDstIp("160.79.104.10").setDstPort(443).setTransport(Transport.TCP)
        .setFirstSeen(lastSeen.minusSeconds(5)).setLastSeen(lastSeen)
        .setPacketsUp(1).setPacketsDown(1).setBytesUp(100).setBytesDown(200)
        .setIdentifiedBy(Evidence.NONE).setEndReason(EndReason.FIN)
        .build();
  }

  private static List<Committer.CommitRequest<ClickHouseBatch>> requests(Collection<ClickHouseBatch> batches) {
    List<Committer.CommitRequest<ClickHouseBatch>> requests = new ArrayList<>();
    for (ClickHouseBatch batch : batches) {
      requests.add(new Request(batch));
    }
    return requests;
  }

  /** What Flink hands the committer for one committable; this test only reads it. */
  private record Request(ClickHouseBatch batch) implements Committer.CommitRequest<ClickHouseBatch> {
    @Override
    public ClickHouseBatch getCommittable() {
      return batch;
    }

    @Override
    public int getNumberOfRetries() {
      return 0;
    }

    @Override
    public void signalFailedWithKnownReason(Throwable t) {
      throw new AssertionError("commit failed", t);
    }

    @Override
    public void signalFailedWithUnknownReason(Throwable t) {
      throw new AssertionError("commit failed", t);
    }

    @Override
    public void retryLater() {
      throw new AssertionError("commit asked for a retry");
    }

    @Override
    public void updateAndRetryLater(ClickHouseBatch committable) {
      throw new AssertionError("commit asked for a retry");
    }

    @Override
    public void signalAlreadyCommitted() {}
  }
}
