package io.agentwatch.cli;

import static io.agentwatch.cli.FlowsCommandTest.agentwatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.cli.FlowsCommandTest.Run;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `agentwatch migrate`: what a deployment's migration Job runs before the job and the server. */
class MigrateCommandTest {

  @TempDir Path dir;

  @Test
  void appliesEveryMigrationOnceThenSaysTheStoreIsUpToDate() {
    String store = "store.embedded.path=" + dir.resolve("clickhouse");
    Run first = agentwatch("migrate", "--set", store);
    assertEquals(0, first.exitCode(), first.err());
    assertTrue(first.out().matches("(?s)applied \\d+ migration\\(s\\) to .*: 001_flows.sql, .*\n"), first.out());

    Run second = agentwatch("migrate", "--set", store);
    assertEquals(0, second.exitCode(), second.err());
    assertTrue(second.out().contains("is up to date"), second.out());
  }

  /**
   * chDB reads the process's standard input as more data for an INSERT that carries its own
   * (VALUES), so a stack started from a pipe or a script's here-document failed on its first
   * migration ("Processing async inserts with both inlined and external data", or its own stdin
   * parsed as rows). Real process, real pipe: the one place the engine sees fd 0.
   */
  @Test
  void migratesWithAPipeOnStandardInput() throws Exception {
    Path out = dir.resolve("out.txt");
    Process migrate = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.agentwatch.cli.AgentWatch",
        "migrate", "--set", "store.embedded.path=" + dir.resolve("clickhouse"))
        .redirectOutput(out.toFile()).redirectErrorStream(true).start();
    try (OutputStream stdin = migrate.getOutputStream()) {
      stdin.write("7\tnot-a-migration\n(8)\n".getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(migrate.waitFor(2, TimeUnit.MINUTES), "migrate did not end");
    String printed = Files.readString(out);
    assertEquals(0, migrate.exitValue(), printed);
    assertTrue(printed.contains("applied "), printed);
  }

  /** The cluster's SQL without a store to connect to: no store setting given, none needed. */
  @Test
  void printsTheClusterSchemaWithoutConnecting() {
    Run run = agentwatch("migrate", "--cluster", "agentwatch", "--print", "--set", "store.remote.database=agentwatch");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().startsWith("-- AgentWatch schema for cluster agentwatch, database agentwatch"), run.out());
    assertTrue(run.out().contains("\n-- 001_flows.sql\nCREATE TABLE IF NOT EXISTS flows_local ON CLUSTER agentwatch ("), run.out());
    assertTrue(run.out().contains("ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')"), run.out());
    assertTrue(run.out().contains("CREATE TABLE IF NOT EXISTS flows ON CLUSTER agentwatch AS flows_local"
        + " ENGINE = Distributed('agentwatch', 'agentwatch', 'flows_local', cityHash64(host));\n"), run.out());
  }

  @Test
  void aClusterNeedsARemoteStore() {
    Run run = agentwatch("migrate", "--cluster", "agentwatch", "--set", "store.embedded.path=" + dir.resolve("clickhouse"));
    assertEquals(2, run.exitCode(), run.out());
    assertTrue(run.err().contains("store.cluster: 'agentwatch' needs store.kind=remote"), run.err());
  }

  @Test
  void aBadSettingIsNamed() {
    Run run = agentwatch("migrate", "--set", "store.kind=cloud");
    assertEquals(2, run.exitCode(), run.out());
    assertTrue(run.err().contains("store.kind"), run.err());
  }
}
