package io.agentwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationsTest {

  @TempDir Path dataDir;

  @Test
  void bundledMigrationsCreateTheTablesOnAFreshDirectoryAndASecondRunAppliesNothing() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      List<Migration> first = Migrations.bundled(store).apply();
      List<String> names = first.stream().map(Migration::name).toList();
      // Others add migrations in parallel (003 is the sensor's): check the ones this module's code writes to.
      assertTrue(names.containsAll(List.of("001_flows.sql", "002_host_vendor_1m.sql", "004_stream_jobs.sql")), names.toString());
      assertEquals(names.stream().sorted().toList(), names, "applied in version order");
      assertEquals("alerts\nclients\ndead_letters\nexposure_factors\nflow_totals_1d\nflow_totals_1d_mv\nflow_totals_1h\nflow_totals_1h_mv\n"
              + "flow_totals_1m\nflow_totals_1m_mv\nflow_totals_raw\nflows\nhost_rollup_1d\nhost_rollup_1d_mv\nhost_rollup_1h\n"
              + "host_rollup_1h_mv\nhost_rollup_1m\nhost_rollup_raw\nhost_traffic_1m\nhost_vendor_contact\n"
              + "host_vendor_contact_mv\nhost_vendor_first_contact\nhost_vendor_first_contact_mv\nhost_vendor_service_1m\nlate_flows\nschema_migrations\nvendor_totals_1d\n"
              + "vendor_totals_1d_mv\nvendor_totals_1h\nvendor_totals_1h_mv\nvendor_totals_1m\nvendor_totals_1m_mv\nvendor_totals_raw\nvendors\n",
          store.query("SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name"));
      assertEquals("ReplacingMergeTree\n", store.query("SELECT engine FROM system.tables WHERE name = 'host_vendor_service_1m'"));

      assertEquals(List.of(), Migrations.bundled(store).apply());
      assertEquals(names.size() + "\n", store.query("SELECT count() FROM schema_migrations"));
    }
    // A restart of the process (a new connection to the same directory) sees what was applied.
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      assertEquals(List.of(), Migrations.bundled(store).apply());
    }
  }

  @Test
  void aMigrationEditedAfterItWasAppliedIsRejectedNamingTheFile() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      new Migrations(store, List.of(Migration.of("001_things.sql", "CREATE TABLE things (a UInt8) ENGINE = Memory;\n"))).apply();

      Migrations edited = new Migrations(store, List.of(
          Migration.of("001_things.sql", "CREATE TABLE things (a UInt16) ENGINE = Memory;\n"),
          Migration.of("002_more.sql", "CREATE TABLE more (a UInt8) ENGINE = Memory;\n")));
      StoreException error = assertThrows(StoreException.class, edited::apply);

      assertTrue(error.getMessage().startsWith("migration 001_things.sql changed after it was applied"), error.getMessage());
      assertFalse(error.isRetriable());
      assertEquals("0\n", store.query("EXISTS TABLE more"), "nothing after a changed migration is applied");
    }
  }

  @Test
  void aFailingStatementNamesTheMigrationAndLeavesItUnrecorded() throws Exception {
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(dataDir)) {
      Migrations broken = new Migrations(store, List.of(Migration.of("001_broken.sql", "CREATE TABLE ok (a UInt8) ENGINE = Memory;\nCREATE TABEL bad;\n")));
      StoreException error = assertThrows(StoreException.class, broken::apply);
      assertTrue(error.getMessage().startsWith("migration 001_broken.sql failed: Code: 62."), error.getMessage());
      assertEquals("0\n", store.query("SELECT count() FROM schema_migrations"));
    }
  }

  @Test
  void statementsAreSplitAtSemicolonsThatEndALine() {
    Migration migration = Migration.of("003_two.sql",
        "-- a comment; not a statement end\nCREATE TABLE a (s String DEFAULT 'x;y') ENGINE = Memory;\n\n"
            + "CREATE TABLE b (n UInt8) ENGINE = Memory ;  \r\n-- trailing comment\n");
    assertEquals(List.of(
        "-- a comment; not a statement end\nCREATE TABLE a (s String DEFAULT 'x;y') ENGINE = Memory",
        "CREATE TABLE b (n UInt8) ENGINE = Memory"), migration.statements());
  }

  @Test
  void checksumIgnoresLineEndingsButNotContent() {
    String lf = Migration.of("001_a.sql", "SELECT 1;\n").checksum();
    assertEquals(lf, Migration.of("001_a.sql", "SELECT 1;\r\n").checksum());
    assertFalse(lf.equals(Migration.of("001_a.sql", "SELECT 2;\n").checksum()));
  }

  @Test
  void badFileNamesAndDuplicateVersionsAreRefused() {
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> Migration.of("1_flows.sql", ""));
    assertTrue(name.getMessage().contains("'1_flows.sql' must be named NNN_name.sql"), name.getMessage());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> new Migrations(null, List.of(Migration.of("001_a.sql", ""), Migration.of("001_b.sql", ""))));
    assertEquals("two migrations share version 1: 001_a.sql and 001_b.sql", twice.getMessage());
  }

  @Test
  void migrationsAreFoundInsideAJar(@TempDir Path jarDir) throws Exception {
    Path jar = jarDir.resolve("app.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String directory : List.of("sql/", "sql/migrations/")) {
        out.putNextEntry(new JarEntry(directory));
        out.closeEntry();
      }
      put(out, "sql/migrations/002_second.sql", "SELECT 2;\n");
      put(out, "sql/migrations/001_first.sql", "SELECT 1;\n");
      put(out, "sql/queries/host_totals.sql", "SELECT 3\n");
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      List<Migration> found = Migrations.load(loader, Migrations.RESOURCE_FOLDER);
      assertEquals(List.of("001_first.sql", "002_second.sql"), found.stream().map(Migration::name).toList());
      assertEquals("SELECT 2;\n", found.get(1).sql());
    }
  }

  private static void put(JarOutputStream out, String name, String text) throws Exception {
    out.putNextEntry(new JarEntry(name));
    OutputStream entry = out;
    entry.write(text.getBytes(StandardCharsets.UTF_8));
    out.closeEntry();
  }
}
