package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.schema.FlowColumns;
import io.agentwatch.schema.FlowColumns.Column;
import io.agentwatch.schema.FlowRecord;
import java.time.Instant;
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
  void everyColumnOfTheDefinitionReadsBackAsTheRecordHoldsIt() throws Exception {
    String pseudonym = "h-49f4a8a11c6283d1";
    List<FlowRecord> records = List.of(SampleRecords.everyFieldSet(1), SampleRecords.anthropicOverIpv4(2),
        SampleRecords.unknownOverIpv6(3),
        FlowRecord.newBuilder(SampleRecords.everyFieldSet(4)).setSrcIp(pseudonym).setHost(pseudonym).build());
    List<Column> columns = FlowColumns.ALL.stream().filter(Column::inserted).toList();
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      RowBinaryWriter out = new RowBinaryWriter();
      records.forEach(flow -> FlowRows.encode(out, flow));
      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray());

      String stored = store.query("SELECT " + columns.stream().map(FlowColumnsStoreTest::asText).collect(Collectors.joining(", "))
          + " FROM flows ORDER BY sequence FORMAT TabSeparatedRaw");

      String expected = records.stream()
          .map(record -> columns.stream().map(column -> expectedText(column, record)).collect(Collectors.joining("\t")) + "\n")
          .collect(Collectors.joining());
      assertEquals(expected, stored);
    }
  }

  /** The column as text in the store, the way {@link #expectedText} spells the record's value. */
  private static String asText(Column column) {
    String name = column.name();
    FlowColumns.Value value = column.value();
    if (value instanceof FlowColumns.Address) {
      // IPv4 is stored mapped (::ffff:a.b.c.d): shown without the prefix, as the record has it.
      return "replaceRegexpOne(IPv6NumToString(" + name + "), '^::ffff:', '')";
    }
    if (value instanceof FlowColumns.Time) {
      return "toUnixTimestamp64Micro(" + name + ")";
    }
    return "toString(" + name + ")";
  }

  private static String expectedText(Column column, FlowRecord record) {
    FlowColumns.Value value = column.value();
    if (value instanceof FlowColumns.Count count) {
      return Long.toString(count.of().applyAsLong(record));
    }
    if (value instanceof FlowColumns.Text text) {
      String of = text.of().apply(record);
      return of == null ? "" : of;
    }
    if (value instanceof FlowColumns.Address address) {
      String of = address.of().apply(record);
      return FlowColumns.isPseudonym(of) ? "::" : of;
    }
    if (value instanceof FlowColumns.Time time) {
      Instant of = time.of().apply(record);
      return Long.toString(of.getEpochSecond() * 1_000_000 + of.getNano() / 1_000);
    }
    if (value instanceof FlowColumns.Flag flag) {
      return flag.of().test(record) ? "1" : "0";
    }
    throw new AssertionError("no text form for column " + column);
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
