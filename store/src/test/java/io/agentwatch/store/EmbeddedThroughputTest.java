package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.schema.FlowRecord;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A sink-sized load on the embedded engine: 100k flows in 10k-row batches, all read back. Logs the times. */
class EmbeddedThroughputTest {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedThroughputTest.class);

  @TempDir Path dataDir;

  @Test
  void hundredThousandFlowsInTenThousandRowBatches() throws Exception {
    long started = System.nanoTime();
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      long opened = System.nanoTime();
      Migrations.bundled(store).apply();
      long migrated = System.nanoTime();
      FlowRecord template = SampleRecords.anthropicOverIpv4(0);
      RowBinaryWriter out = new RowBinaryWriter();
      long encodeNanos = 0;
      long bytes = 0;
      for (int batch = 0; batch < 10; batch++) {
        long encodeStart = System.nanoTime();
        out.reset();
        for (int i = 0; i < 10_000; i++) {
          template.setSequence(batch * 10_000L + i + 1);
          template.setHost("host-" + (i % 50));
          FlowRows.encode(out, template);
        }
        encodeNanos += System.nanoTime() - encodeStart;
        bytes += out.size();
        store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray());
      }
      long inserted = System.nanoTime();
      assertEquals("100000\t100000\t5000050000\n", store.query("SELECT count(), uniqExact(sequence), sum(sequence) FROM flows"));
      LOG.info("embedded chDB: open {} ms, migrations {} ms, 100k flow rows ({} MB RowBinary) encoded in {} ms, encoded+inserted in {} ms",
          (opened - started) / 1_000_000, (migrated - opened) / 1_000_000, bytes / 1_000_000,
          encodeNanos / 1_000_000, (inserted - migrated) / 1_000_000);
    }
  }
}
