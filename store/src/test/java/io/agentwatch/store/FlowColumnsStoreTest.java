package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.schema.FlowColumns;
import io.agentwatch.schema.FlowRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flows table the migrations build is the one FlowColumns declares, and rows carry pseudonyms. */
class FlowColumnsStoreTest {

  @TempDir Path dataDir;

  @Test
  void flowsTableAfterAllMigrationsHasExactlyTheDeclaredColumnsInOrder() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();

      String actual = store.query("SELECT name, type FROM system.columns WHERE database = currentDatabase()"
          + " AND table = 'flows' ORDER BY position FORMAT TabSeparatedRaw");

      String declared = FlowColumns.ALL.stream().map(c -> c.name() + "\t" + c.type().sql() + "\n")
          .collect(Collectors.joining());
      assertEquals(declared, actual);
    }
  }

  @Test
  void pseudonymisedHostIsStoredAsTheUnspecifiedAddressWithItsPseudonymBeside() throws Exception {
    String pseudonym = "h-49f4a8a11c6283d1";
    FlowRecord pseudonymised = FlowRecord.newBuilder(SampleRecords.anthropicOverIpv4(1))
        .setHost(pseudonym).setSrcIp(pseudonym).setCommunityId(null).build();
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      RowBinaryWriter out = new RowBinaryWriter();
      for (FlowRecord flow : List.of(pseudonymised, SampleRecords.unknownOverIpv6(2))) {
        FlowRows.encode(out, flow);
      }

      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray());

      assertEquals("1\th-49f4a8a11c6283d1\t::\th-49f4a8a11c6283d1\n2\tbuild-server\t2001:db8::1\t\n",
          store.query("SELECT sequence, host, src_ip, src_pseudonym FROM flows ORDER BY sequence"));
    }
  }
}
