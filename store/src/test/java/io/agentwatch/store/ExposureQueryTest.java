package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.VendorShare;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worked example of docs/exposure.md, stored and asked: the host_exposure and
 * host_vendor_exposure queries answer what the page computes by hand, and the page shows their
 * answer as they give it. A change to the formula (exposure_factors, migration 050) or to the
 * page that does not change the other fails here.
 */
class ExposureQueryTest {

  private static final Path PAGE = Paths.get(System.getProperty("agentwatch.docs", "../docs")).resolve("exposure.md").toAbsolutePath().normalize();

  @TempDir Path dataDir;

  @Test
  void theWorkedExampleOfTheExposurePageIsWhatTheQueriesAnswer() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      // The facts as the built-in catalog states them (docs/catalog.md).
      VendorRows.replace(store, List.of(
          new VendorRows.Entry("openai", "api", "OpenAI", "llm-api", new VendorRows.Facts("no", "30d", "unknown", "unknown", "yes")),
          new VendorRows.Entry("deepseek", "api", "DeepSeek", "llm-api", new VendorRows.Facts("unknown", "unknown", "cn", "unknown", "unknown")),
          new VendorRows.Entry("mistral", "le-chat", "Mistral AI", "chat-web", new VendorRows.Facts("yes", "unknown", "unknown", "unknown", "unknown"))));
      store.execute("ALTER TABLE vendors UPDATE policy_tag = 'sanctioned' WHERE vendor = 'openai' SETTINGS mutations_sync = 1");
      store.execute("ALTER TABLE vendors UPDATE policy_tag = 'unsanctioned' WHERE vendor = 'deepseek' SETTINGS mutations_sync = 1");

      RowBinaryWriter out = new RowBinaryWriter();
      long sequence = 0;
      sequence = upload(out, sequence, "dev-7", "platform", "openai", "api", 40);
      sequence = upload(out, sequence, "dev-7", "platform", "deepseek", "api", 8);
      sequence = upload(out, sequence, "dev-7", "platform", "mistral", "le-chat", 10);
      sequence = upload(out, sequence, "ci-2", "build", "openai", "api", 100);
      upload(out, sequence, "lab-1", "research", "retired-vendor", "api", 4); // no longer in the catalog
      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray());

      String hosts = answer(store, "host_exposure", Map.of());
      assertEquals("""
          host\thost_team\texposure\tbytes_up\tvendors\ttop_vendor\ttop_vendor_exposure
          dev-7\tplatform\t65\t58000000\t3\tdeepseek\t30
          ci-2\tbuild\t25\t100000000\t1\topenai\t25
          lab-1\tresearch\t7.5\t4000000\t1\tretired-vendor\t7.5
          """, hosts);
      String pairs = answer(store, "host_vendor_exposure", Map.of("host", "dev-7"));
      assertEquals("""
          host\thost_team\tvendor\tservice\tbytes_up\ttrains_by_default\tretention\tpolicy_tag\tvendor_factor\tpolicy_factor\texposure
          dev-7\tplatform\tdeepseek\tapi\t8000000\tunknown\tunknown\tunsanctioned\t1.875\t2\t30
          dev-7\tplatform\tmistral\tle-chat\t10000000\tyes\tunknown\tunreviewed\t2.5\t1\t25
          dev-7\tplatform\topenai\tapi\t40000000\tno\t30d\tsanctioned\t1\t0.25\t10
          """, pairs);

      // An alert carries the exposure of its incident's upload so far, weighed by its vendor × service.
      out.reset();
      AlertRows.encode(out, alert("dev-7", "deepseek", "api", 8_000_000L));
      AlertRows.encode(out, alert("ci-2", "openai", "api", 100_000_000L));
      store.insertRowBinary(AlertRows.TABLE, AlertRows.COLUMNS, out.toByteArray());
      assertEquals("ci-2\topenai\t25\ndev-7\tdeepseek\t30\n", store.query("SELECT host, vendor, exposure FROM ("
          + NamedQueries.get("alerts").render(Map.of(), Instant.now()) + ") ORDER BY host FORMAT TabSeparated"));

      String page = Files.readString(PAGE);
      for (String answer : List.of(hosts, pairs)) {
        for (String line : answer.lines().skip(1).toList()) {
          String row = "| " + line.replace("\t", " | ") + " |";
          assertTrue(page.contains(row), PAGE + " shows the queries' answer: missing " + row);
        }
      }
    }
  }

  /** One flow record of {@code megabytes} uploaded at noon yesterday. */
  private static long upload(RowBinaryWriter out, long sequence, String host, String team, String vendor, String service, long megabytes) {
    FlowRecord flow = SampleRecords.anthropicOverIpv4(++sequence);
    flow.setHost(host);
    flow.setHostTeam(team);
    flow.setVendor(vendor);
    flow.setService(service);
    flow.setBytesUp(megabytes * 1_000_000);
    Instant noon = SampleRecords.at(SampleRecords.DAY, "12:00:00.000000");
    flow.setFirstSeen(noon.minusSeconds(60));
    flow.setLastSeen(noon);
    FlowRows.encode(out, flow);
    return sequence;
  }

  private static ExposureAlert alert(String host, String vendor, String service, long totalBytes) {
    Instant noon = SampleRecords.at(SampleRecords.DAY, "12:00:00.000000");
    String incident = "upload-spike/" + host + "/" + vendor + "/" + noon;
    return ExposureAlert.newBuilder()
        .setAlertId(incident + "/0").setDetector("upload-spike").setHost(host).setVendor(vendor).setService(service)
        .setWindowStart(noon).setWindowEnd(noon.plusSeconds(60))
        .setObserved(totalBytes).setBaseline(1e5).setScore(100).setReason(host + " uploaded to " + vendor)
        .setTopFlows(List.of()).setIncidentId(incident).setState("open").setVersion(0).setSeverity("high").setPolicy("unreviewed")
        .setHostTeam("").setBaselineKind("mean").setTotalBytes(totalBytes).setPeakBytes(totalBytes).setPeakWindowStart(noon)
        .setWindows(1).setVendorBreakdown(List.of(new VendorShare(vendor, service, totalBytes)))
        .build();
  }

  private static String answer(ClickHouseStore store, String query, Map<String, String> parameters) throws StoreException {
    return store.query(NamedQueries.get(query).render(parameters, Instant.now()) + " FORMAT TabSeparatedWithNames");
  }
}
