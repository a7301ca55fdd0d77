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
    List<Column> columns = FlowColumns.ALL.stream().filter(Column::ofTheRecord).toList();
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
    if (value instanceof FlowColumns.Derived derived) {
      String of = derived.of().apply(record);
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
  void aCommunityIdIsStoredAsTwentyBytesAndReadBackAsItsText() throws Exception {
    String canonical = "1:9TmnpylCLdB33b07wq4hbO/5qWI=";
    List<String> ids = java.util.Arrays.asList(canonical, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", "1:flow-7",
        "1:9TmnpylCLdB33b07wq4hbO/5qWJ=", "1:AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "2:9TmnpylCLdB33b07wq4hbO/5qWI=", "", null);
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      RowBinaryWriter out = new RowBinaryWriter();
      for (int i = 0; i < ids.size(); i++) {
        FlowRows.encode(out, FlowRecord.newBuilder(SampleRecords.anthropicOverIpv4(i)).setCommunityId(ids.get(i)).build());
      }
      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray());

      String expected = ids.stream().map(id -> id == null ? "" : id).collect(Collectors.joining("\n", "", "\n"));
      assertEquals(expected, store.query("SELECT community_id FROM flows ORDER BY sequence FORMAT TabSeparatedRaw"));
      assertEquals("\n\n1:flow-7\n1:9TmnpylCLdB33b07wq4hbO/5qWJ=\n1:AAAAAAAAAAAAAAAAAAAAAAAAAAA=\n2:9TmnpylCLdB33b07wq4hbO/5qWI=\n\n\n",
          store.query("SELECT community_id_other FROM flows ORDER BY sequence FORMAT TabSeparatedRaw"),
          "the canonical IDs take only their 20 bytes; other texts are kept as they are");
      assertEquals("1\n", store.query("SELECT count() FROM flows WHERE community_id = '" + canonical + "' FORMAT TSV"),
          "a query can match on the text");
      assertEquals("f539a7a729422dd077ddbd3bc2ae216ceff9a962\n",
          store.query("SELECT lower(hex(community_id_sha1)) FROM flows WHERE sequence = 0 FORMAT TSV"),
          "the SHA-1 the base64 spells");
    }
  }

  @Test
  void communityIdsStoredBeforeTheyWereBytesAreConvertedAndReadTheSame() throws Exception {
    List<Migration> all = Migrations.load(Migrations.class.getClassLoader(), Migrations.RESOURCE_FOLDER);
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      new Migrations(store, all.stream().filter(m -> m.version() < 12).toList()).apply();
      store.execute("INSERT INTO flows (sequence, host, community_id) SELECT number, 'h', ['1:9TmnpylCLdB33b07wq4hbO/5qWI=',"
          + " '1:flow-7', ''][number + 1] FROM numbers(3)");

      new Migrations(store, all).apply();

      assertEquals("1:9TmnpylCLdB33b07wq4hbO/5qWI=\tf539a7a729422dd077ddbd3bc2ae216ceff9a962\t\n"
              + "1:flow-7\t0000000000000000000000000000000000000000\t1:flow-7\n"
              + "\t0000000000000000000000000000000000000000\t\n",
          store.query("SELECT community_id, lower(hex(community_id_sha1)), community_id_other FROM flows ORDER BY sequence"
              + " FORMAT TabSeparatedRaw"));
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
