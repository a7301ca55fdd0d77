package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowContribution;
import io.agentwatch.schema.VendorShare;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertRowsTest {

  @TempDir Path dataDir;

  @Test
  void everyStateOfAnIncidentIsItsOwnRowWithSeverityTotalsAndTheVendorsThatReceivedTheData() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      RowBinaryWriter out = new RowBinaryWriter();
      AlertRows.encode(out, alert(0, "open", "high", 75_000_000));
      AlertRows.encode(out, alert(1, "update", "critical", 150_000_000));
      AlertRows.encode(out, alert(2, "closed", "critical", 150_000_000));
      store.insertRowBinary(AlertRows.TABLE, AlertRows.COLUMNS, out.toByteArray());

      assertEquals("""
          0\topen\thigh\t75000000\t[('openai','api',70000000),('anthropic','api',5000000)]
          1\tupdate\tcritical\t150000000\t[('openai','api',70000000),('anthropic','api',5000000)]
          2\tclosed\tcritical\t150000000\t[('openai','api',70000000),('anthropic','api',5000000)]
          """, store.query("SELECT version, state, severity, total_bytes, vendor_breakdown FROM alerts FINAL"
          + " WHERE incident_id = 'upload-spike/build-42/openai/2026-12-06T14:10:00Z' ORDER BY version"));
    }
  }

  private static ExposureAlert alert(int version, String state, String severity, long total) {
    String incident = "upload-spike/build-42/openai/2026-12-06T14:10:00Z";
    return ExposureAlert.newBuilder()
        .setAlertId(incident + "/" + version).setDetector("upload-spike").setHost("build-42")
        .setVendor("openai").setService("api")
        .setWindowStart(Instant.parse("2026-12-06T14:10:00Z")).setWindowEnd(Instant.parse("2026-12-06T14:11:00Z"))
        .setObserved(75e6).setBaseline(57e3).setScore(1300).setReason("build-42 uploaded 75.0 MB to OpenAI (api)")
        .setTopFlows(List.of(new FlowContribution("1:abc", 70_000_000L)))
        .setIncidentId(incident).setState(state).setVersion(version).setSeverity(severity).setPolicy("unreviewed")
        .setHostTeam("ml").setBaselineKind("mean upload of its last ~50 active minutes")
        .setTotalBytes(total).setPeakBytes(75_000_000L).setPeakWindowStart(Instant.parse("2026-12-06T14:10:00Z"))
        .setWindows(version + 1)
        .setVendorBreakdown(List.of(new VendorShare("openai", "api", 70_000_000L), new VendorShare("anthropic", "api", 5_000_000L)))
        .build();
  }
}
