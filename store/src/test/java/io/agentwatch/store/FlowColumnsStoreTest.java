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

  /**
   * What sensors write: Community IDs of the flow's own 5-tuple (IPv4 and IPv6, TCP and UDP, equal
   * addresses, ports at their limits, addresses ending in zero bytes), stored as a flag and read
   * back as the sensor's text; IDs the row cannot give back keep their bytes or text.
   */
  @Test
  void aCommunityIdTheRowsOwnTupleGivesIsStoredAsAFlagAndReadBackAsTheSensorsText() throws Exception {
    java.util.Random random = new java.util.Random(85);
    List<FlowRecord> fromTuple = new java.util.ArrayList<>();
    List<FlowRecord> kept = new java.util.ArrayList<>();
    int[] ports = {0, 1, 255, 256, 443, 32768, 65535};
    for (int i = 0; i < 4000; i++) {
      boolean v6 = i % 2 == 1;
      String src = v6 ? ipv6(random, i) : ipv4(random, i);
      String dst = i % 7 == 0 ? src : v6 ? ipv6(random, i + 1) : ipv4(random, i + 1);
      int srcPort = i % 5 == 0 ? ports[random.nextInt(ports.length)] : random.nextInt(65536);
      int dstPort = i % 3 == 0 ? ports[random.nextInt(ports.length)] : random.nextInt(65536);
      io.agentwatch.schema.Transport transport = i % 4 == 0 ? io.agentwatch.schema.Transport.UDP
          : io.agentwatch.schema.Transport.TCP;
      FlowRecord.Builder record = FlowRecord.newBuilder(SampleRecords.anthropicOverIpv4(i)).setSrcIp(src).setDstIp(dst)
          .setSrcPort(srcPort).setDstPort(dstPort).setTransport(transport)
          .setCommunityId(sensorsCommunityId(src, srcPort, dst, dstPort, transport == io.agentwatch.schema.Transport.TCP ? 6 : 17));
      if (i % 10 == 9) {
        // Not the tuple's: another transport, a pseudonymised host, a hash made with another seed.
        switch (i % 3) {
          case 0 -> record.setTransport(io.agentwatch.schema.Transport.OTHER);
          case 1 -> record.setSrcIp("h-49f4a8a11c6283d1");
          default -> record.setCommunityId(sensorsCommunityId(dst, dstPort, src, srcPort, 1));
        }
        kept.add(record.build());
      } else {
        fromTuple.add(record.build());
      }
    }
    List<FlowRecord> all = new java.util.ArrayList<>(fromTuple);
    all.addAll(kept);
    all.sort(java.util.Comparator.comparingLong(FlowRecord::getSequence));
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations.bundled(store).apply();
      RowBinaryWriter out = new RowBinaryWriter();
      all.forEach(flow -> FlowRows.encode(out, flow));
      store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray());

      assertEquals(all.stream().map(r -> r.getSequence() + "\t" + r.getCommunityId()).collect(Collectors.joining("\n", "", "\n")),
          store.query("SELECT sequence, community_id FROM flows ORDER BY sequence FORMAT TabSeparatedRaw"));
      assertEquals(fromTuple.size() + "\t" + fromTuple.size() + "\n",
          store.query("SELECT countIf(community_id_from_tuple = 1), countIf(community_id_from_tuple = 1"
              + " AND community_id_sha1 = toFixedString('', 20) AND community_id_other = '') FROM flows FORMAT TSV"),
          "the rows whose tuple gives their ID back keep neither its bytes nor its text");
      assertEquals(kept.size() + "\n", store.query("SELECT count() FROM flows WHERE community_id_from_tuple = 0"
          + " AND community_id_sha1 != toFixedString('', 20) FORMAT TSV"), "the others keep their 20 bytes");
      String one = fromTuple.get(17).getCommunityId();
      assertEquals(fromTuple.get(17).getSequence() + "\n",
          store.query("SELECT sequence FROM flows WHERE community_id = '" + one + "' FORMAT TSV"), "a query can match on the text");
    }
  }

  /** The Community ID as the sensor computes it (capture's Identifier), from the address literals. */
  private static String sensorsCommunityId(String src, int srcPort, String dst, int dstPort, int protocol) throws Exception {
    byte[] s = java.net.InetAddress.getByName(src).getAddress();
    byte[] d = java.net.InetAddress.getByName(dst).getAddress();
    int version = s.length == 4 ? 4 : 6;
    return io.agentwatch.schema.CommunityId.of(version, word(s, 0, version), word(s, 1, version), srcPort,
        word(d, 0, version), word(d, 1, version), dstPort, protocol);
  }

  /** The high (0) or low (1) 64 bits of an address as CommunityId takes them (IPv4 in the low 32). */
  private static long word(byte[] address, int which, int version) {
    if (version == 4) {
      return which == 0 ? 0 : new java.math.BigInteger(1, address).longValue();
    }
    return new java.math.BigInteger(1, java.util.Arrays.copyOfRange(address, 8 * which, 8 * which + 8)).longValue();
  }

  private static String ipv4(java.util.Random random, int i) {
    // Small and large first octets: the canonical order compares them unsigned.
    return (i % 3 == 0 ? 10 : 128 + random.nextInt(128)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
        + (i % 11 == 0 ? 0 : random.nextInt(256));
  }

  private static String ipv6(java.util.Random random, int i) {
    // Some end in zero bytes (a cast that trims them would change the hash), some start above 0x7fff.
    return (i % 3 == 0 ? "2001:db8:" : Integer.toHexString(0x8000 + random.nextInt(0x8000)) + ":" + Integer.toHexString(random.nextInt(0x10000)) + ":")
        + Integer.toHexString(random.nextInt(0x10000)) + (i % 5 == 0 ? "::" : "::" + Integer.toHexString(1 + random.nextInt(0xffff)));
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
