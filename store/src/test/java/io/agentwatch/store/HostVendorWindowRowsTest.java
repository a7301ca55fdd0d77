package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostVendorWindowRowsTest {

  @TempDir Path dataDir;

  @Test
  void aLateUpdateOfAWindowReplacesItAndHostTotalsCountItOnce() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      RowBinaryWriter out = new RowBinaryWriter();
      HostVendorWindowRows.encode(out, SampleRecords.window("dev-laptop-7", "anthropic", "05:06:00", 1000, 700, 2));
      HostVendorWindowRows.encode(out, SampleRecords.window("dev-laptop-7", "openai", "05:06:00", 50, 50, 2));
      store.insertRowBinary(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, out.toByteArray());
      // A late record for the same window: the job emits the window again, complete, with one more flow.
      HostVendorWindowRows.encode(out.reset(), SampleRecords.window("dev-laptop-7", "anthropic", "05:06:00", 1500, 900, 3));
      store.insertRowBinary(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, out.toByteArray());

      assertEquals("dev-laptop-7\tanthropic\tanthropic-api\t" + SampleRecords.DAY + " 05:06:00\t1500\t150\t10\t5\t3\t1\t900\n",
          store.query("SELECT host, vendor, service, window_start, bytes_up, bytes_down, packets_up, packets_down,"
              + " flows, distinct_destinations, max_upload FROM host_vendor_service_1m FINAL WHERE vendor = 'anthropic'"));
      assertEquals("dev-laptop-7\tanthropic\t1500\t150\t15\t3\n" + "dev-laptop-7\topenai\t50\t5\t15\t2\n",
          store.query(NamedQueries.load("host_totals")), "totals count the newest state of each window once");

      store.execute("OPTIMIZE TABLE host_vendor_service_1m FINAL");
      assertEquals("2\n", store.query("SELECT count() FROM host_vendor_service_1m"), "merges keep one row per window");
    }
  }

}
