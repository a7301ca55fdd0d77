package io.agentwatch.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.capture.identify.ClientCatalog;
import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.Transport;
import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.FlowRows;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.NamedQueries;
import io.agentwatch.store.RowBinaryWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clients table holds the client catalog, and host_clients names the catalogued program behind
 * each of a host's JA4s: one client where a fingerprint is its own, every client of a shared TLS
 * stack where it is not, nothing where the fingerprint is not catalogued.
 */
class ClientCatalogTableTest {

  private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

  @TempDir Path dataDir;

  @Test
  void hostClientsSplitsAHostsUsageByCataloguedClientAndKind() throws Exception {
    ClientCatalog catalog = ClientCatalog.builtin();
    String claudeCode = catalog.client("claude-code").ja4s().get(0);
    String node = catalog.client("gemini-cli").ja4s().get(0);
    String chromium = catalog.client("chromium").ja4s().get(0);
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      int rows = ClientCatalogTable.fill(store, catalog);
      assertEquals(catalog.clientsByJa4().size(), rows);
      assertEquals(rows, ClientCatalogTable.fill(store, catalog), "filled again at the next start: replaced, not added");
      assertEquals(rows + "\n", store.query("SELECT count() FROM clients"));

      RowBinaryWriter out = new RowBinaryWriter();
      FlowRows.encode(out, flow(1, claudeCode, "anthropic", "api", 400_000));
      FlowRows.encode(out, flow(2, node, "google-gemini", "gemini-api", 50_000));
      FlowRows.encode(out, flow(3, chromium, "anthropic", "claude-ai", 6_000));
      FlowRows.encode(out, flow(4, "t13d0000h2_000000000000_000000000000", "openai", "api", 1_000));
      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray());

      String sql = NamedQueries.get("host_clients").render(Map.of("host", "dev-1"), AT) + " FORMAT TSVRaw";
      String result = store.query("SELECT ja4, vendor, bytes_up, client, client_kind FROM (" + sql.replace(" FORMAT TSVRaw", "") + ") ORDER BY bytes_up DESC FORMAT TSVRaw");
      assertEquals(String.join("\n",
          claudeCode + "\tanthropic\t400000\tclaude-code\tagent-cli",
          node + "\tgoogle-gemini\t50000\tgemini-cli, qwen-code, anthropic-sdk-node, openai-sdk-node\tagent-cli, sdk",
          chromium + "\tanthropic\t6000\tchromium\tbrowser",
          "t13d0000h2_000000000000_000000000000\topenai\t1000\t\t") + "\n", result);
    }
  }

  private static FlowRecord flow(long sequence, String ja4, String vendor, String service, long bytesUp) {
    return FlowRecord.newBuilder()
        .setSensorId("sensor-1")
        .setSequence(sequence)
        .setHost("dev-1")
        .setSrcIp("10.1.2.3")
        .setSrcPort(50_000 + (int) sequence)
        .setDstIp("160.79.104.10")
        .setDstPort(443)
        .setTransport(Transport.TCP)
        .setFirstSeen(AT.minusSeconds(600))
        .setLastSeen(AT.minusSeconds(570))
        .setPacketsUp(bytesUp / 1400 + 1)
        .setPacketsDown(10)
        .setBytesUp(bytesUp)
        .setBytesDown(1_000)
        .setSni("api.example.com")
        .setAlpn("http/1.1")
        .setJa4(ja4)
        .setVendor(vendor)
        .setService(service)
        .setCategory("llm-api")
        .setIdentifiedBy(Evidence.SNI)
        .setEndReason(EndReason.FIN)
        .build();
  }
}
