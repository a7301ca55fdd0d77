package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The remote store against a real ClickHouse server, whenever one is given:
 * {@code AGENTWATCH_TEST_CLICKHOUSE_URL=http://host:8123} (optionally {@code
 * AGENTWATCH_TEST_CLICKHOUSE_USER}, and the password in {@code AGENTWATCH_CLICKHOUSE_PASSWORD}).
 * Works in a fresh database it drops afterwards. Skipped, saying so, when no URL is set.
 */
class RealClickHouseServerTest {

  private static final String URL_ENV = "AGENTWATCH_TEST_CLICKHOUSE_URL";

  private String database;
  private ClickHouseStore admin;
  private ClickHouseStore store;

  @BeforeEach
  void connect() throws Exception {
    String url = System.getenv(URL_ENV);
    assumeTrue(url != null && !url.isBlank(),
        "skipped: no ClickHouse server given; set " + URL_ENV + "=http://host:8123 to run the remote store against one");
    String user = System.getenv().getOrDefault("AGENTWATCH_TEST_CLICKHOUSE_USER", "default");
    database = "agentwatch_test_" + System.nanoTime();
    admin = Stores.open(StoreConfig.remote(url, "default", user, null));
    admin.execute("CREATE DATABASE " + database);
    store = Stores.open(StoreConfig.fromMap(Map.of("store.kind", "remote", "store.remote.url", url,
        "store.remote.database", database, "store.remote.user", user)));
  }

  @AfterEach
  void dropDatabase() throws Exception {
    if (store != null) {
      store.close();
    }
    if (admin != null) {
      admin.execute("DROP DATABASE IF EXISTS " + database);
      admin.close();
    }
  }

  @Test
  void migrationsInsertsAndHostTotalsBehaveAsOnTheEmbeddedEngine() throws Exception {
    assertEquals(2, Migrations.bundled(store).apply().size());
    assertEquals(List.of(), Migrations.bundled(store).apply());

    RowBinaryWriter out = new RowBinaryWriter();
    FlowRows.encode(out, SampleRecords.anthropicOverIpv4(1));
    FlowRows.encode(out, SampleRecords.unknownOverIpv6(2));
    store.insertRowBinary(FlowRows.TABLE, FlowRows.COLUMNS, out.toByteArray());
    assertEquals("1\tdev-laptop-7\t::ffff:160.79.104.10\t" + SampleRecords.DAY + " 05:07:08.654321\tanthropic\tsni\n"
            + "2\tbuild-server\t2606:4700:10::6816:1b2c\t" + SampleRecords.NEXT_DAY + " 00:00:00.000001\t\tnone\n",
        store.query("SELECT sequence, host, dst_ip, last_seen, vendor, identified_by FROM flows ORDER BY sequence"));
    assertEquals("{\"n\":2}\n", store.query("SELECT count() AS n FROM flows FORMAT JSONEachRow"));

    out.reset();
    HostVendorWindowRows.encode(out, SampleRecords.window("dev-laptop-7", "anthropic", "05:06:00", 1000, 700, 2));
    store.insertRowBinary(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, out.toByteArray());
    HostVendorWindowRows.encode(out.reset(), SampleRecords.window("dev-laptop-7", "anthropic", "05:06:00", 1500, 900, 3));
    store.insertRowBinary(HostVendorWindowRows.TABLE, HostVendorWindowRows.COLUMNS, out.toByteArray());
    assertEquals("dev-laptop-7\tanthropic\t1500\t150\t15\t3\n", store.query(NamedQueries.load("host_totals")));

    StoreException error = assertThrows(StoreException.class, () -> store.query("SELECT * FROM no_such_table"));
    assertFalse(error.isRetriable(), error.getMessage());
  }
}
