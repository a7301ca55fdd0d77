package io.agentwatch.cli;

import static io.agentwatch.cli.FlowsCommandTest.agentwatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.cli.FlowsCommandTest.Run;
import java.nio.file.Path;
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

  @Test
  void aBadSettingIsNamed() {
    Run run = agentwatch("migrate", "--set", "store.kind=cloud");
    assertEquals(2, run.exitCode(), run.out());
    assertTrue(run.err().contains("store.kind"), run.err());
  }
}
