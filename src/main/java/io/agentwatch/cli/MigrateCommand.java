package io.agentwatch.cli;

import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.Migration;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.StoreException;
import io.agentwatch.store.Stores;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Brings a store's schema up to this release: what a deployment runs once before the job and the server. */
@Command(name = "migrate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Apply the bundled schema migrations (sql/migrations) that the store has not seen yet, and exit.",
        "Idempotent: a store that is up to date is left alone. `up`, `replay` and the stream job apply them too;",
        "run it on its own when the job and the server use a ClickHouse server (a Kubernetes Job, a release step).",
        "",
        "Example:",
        "  agentwatch migrate --set store.kind=remote --set store.remote.url=http://clickhouse:8123 \\",
        "      --set store.remote.password-file=/etc/agentwatch/clickhouse-password"})
final class MigrateCommand implements Callable<Integer> {

  @Mixin
  StoreSettings settings;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws StoreException {
    PrintWriter out = spec.commandLine().getOut();
    try (ClickHouseStore store = Stores.open(settings.load(false).store())) {
      List<Migration> applied = Migrations.bundled(store).apply();
      out.println(applied.isEmpty()
          ? "the store " + store.describe() + " is up to date"
          : "applied " + applied.size() + " migration(s) to " + store.describe() + ": "
              + String.join(", ", applied.stream().map(Migration::name).toList()));
      out.flush();
      return 0;
    }
  }
}
