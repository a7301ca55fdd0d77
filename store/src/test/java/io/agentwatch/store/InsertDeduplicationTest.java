package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the exactly-once sink relies on, checked on the real engine: a batch inserted again with the
 * same insert_deduplication_token is dropped, a different token is a different batch, and an
 * insert without a token is never deduplicated against tokened ones.
 */
class InsertDeduplicationTest {

  @TempDir Path dataDir;

  @Test
  void aBatchRepeatedWithItsTokenIsStoredOnce() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      RowBinaryWriter out = new RowBinaryWriter();
      FlowRows.encode(out, SampleRecords.anthropicOverIpv4(1));
      FlowRows.encode(out, SampleRecords.unknownOverIpv6(2));
      byte[] batch = out.toByteArray();

      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, batch, "flows-run1-0");
      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, batch, "flows-run1-0");
      assertEquals("2\n", store.query("SELECT count() FROM flows"), "the repeat (a restored job's re-commit) is dropped");

      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, batch, "flows-run1-1");
      assertEquals("4\n", store.query("SELECT count() FROM flows"), "another token is another batch, same bytes or not");

      // Tables created by 004 deduplicate the same way.
      out.reset();
      HostVendorWindowRows.encode(out, SampleRecords.window("h", "anthropic", "05:06:00", 10, 10, 1));
      store.insertRowBinary(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, out.toByteArray(), "w-1");
      store.insertRowBinary(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, out.toByteArray(), "w-1");
      assertEquals("1\n", store.query("SELECT count() FROM host_vendor_service_1m"));
    }
  }
}
