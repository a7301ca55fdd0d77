package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostVendorWindowRowsTest {

  @TempDir Path dataDir;

  @Test
  void lateUpdatesOfAWindowAddUpAndHostTotalsSumThem() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      RowBinaryWriter out = new RowBinaryWriter();
      HostVendorWindowRows.encode(out, SampleRecords.window("dev-laptop-7", "anthropic", "05:06:00", 1000, 700));
      HostVendorWindowRows.encode(out, SampleRecords.window("dev-laptop-7", "openai", "05:06:00", 50, 50));
      store.insertRowBinary(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, out.toByteArray());
      // A late record for the same window arrives as a second insert.
      store.insertRowBinary(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, out.reset().toByteArray());
      HostVendorWindowRows.encode(out, SampleRecords.window("dev-laptop-7", "anthropic", "05:06:00", 500, 900));
      store.insertRowBinary(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, out.toByteArray());

      assertEquals("dev-laptop-7\tanthropic\t" + SampleRecords.DAY + " 05:06:00\t1500\t150\t20\t10\t4\t900\n",
          store.query("SELECT host, vendor, window_start, sum(bytes_up), sum(bytes_down), sum(packets_up), sum(packets_down),"
              + " sum(flows), max(max_upload) FROM host_vendor_1m WHERE vendor = 'anthropic' GROUP BY host, vendor, window_start"));

      store.execute("OPTIMIZE TABLE host_vendor_1m FINAL");
      assertEquals("2\n", store.query("SELECT count() FROM host_vendor_1m"), "merges fold the late update into its window");
      assertEquals("1500\t900\n", store.query("SELECT bytes_up, max_upload FROM host_vendor_1m WHERE vendor = 'anthropic'"));

      assertEquals("dev-laptop-7\tanthropic\t1500\t150\t30\t4\n" + "dev-laptop-7\topenai\t50\t5\t15\t2\n",
          store.query(bundledQuery("host_totals.sql")));
    }
  }

  static String bundledQuery(String name) throws Exception {
    try (InputStream in = HostVendorWindowRowsTest.class.getClassLoader().getResourceAsStream("sql/queries/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
