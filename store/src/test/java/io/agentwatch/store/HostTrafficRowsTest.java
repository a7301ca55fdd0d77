package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.schema.HostTrafficMinute;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostTrafficRowsTest {

  @TempDir Path dataDir;

  @Test
  void theShareOfUploadGoingToAiVendorsCountsEachHostMinuteMessageOnceWithinTheRange() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      RowBinaryWriter out = new RowBinaryWriter();
      HostVendorWindowRows.encode(out, SampleRecords.window("dev-laptop-7", "anthropic", "05:06:00", 1500, 900, 3));
      store.insertRowBinary(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, out.toByteArray());

      out.reset();
      HostTrafficRows.encode(out, minute("dev-laptop-7", 11, "05:06:00", 300));
      HostTrafficRows.encode(out, minute("dev-laptop-7", 12, "05:06:00", 200)); // same minute, sent later
      HostTrafficRows.encode(out, minute("build-server", 13, "05:07:00", 1000));
      HostTrafficRows.encode(out, minute("build-server", 14, "07:00:00", 5000)); // after the range
      store.insertRowBinary(HostTrafficRows.TABLE, HostTrafficRows.COLUMNS, out.toByteArray());
      // The sensor's producer failed and it sent message 12 again: a copy, not more traffic.
      HostTrafficRows.encode(out.reset(), minute("dev-laptop-7", 12, "05:06:00", 200));
      store.insertRowBinary(HostTrafficRows.TABLE, HostTrafficRows.COLUMNS, out.toByteArray());

      String share = store.query(NamedQueries.get("host_ai_upload_share").render(Map.of(
          "since", SampleRecords.DAY + "T05:00:00Z", "until", SampleRecords.DAY + "T06:00:00Z"), java.time.Instant.now()));

      assertEquals("dev-laptop-7\t1500\t500\t2000\t0.75\n" + "build-server\t0\t1000\t1000\t0\n", share);
      assertEquals("platform\tAda\n", store.query(
          "SELECT DISTINCT host_team, host_owner FROM host_traffic_1m WHERE host = 'dev-laptop-7'"));
    }
  }

  private static HostTrafficMinute minute(String host, long sequence, String time, long bytesUp) {
    return HostTrafficMinute.newBuilder()
        .setSensorId("sensor-1").setSequence(sequence).setHost(host)
        .setHostOwner(host.startsWith("dev") ? "Ada" : null).setHostTeam(host.startsWith("dev") ? "platform" : null)
        .setMinuteStart(SampleRecords.at(SampleRecords.DAY, time))
        .setPacketsUp(3).setPacketsDown(2).setBytesUp(bytesUp).setBytesDown(40).setFlows(1)
        .build();
  }
}
