package io.agentwatch.cli;

import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.ClusterSchema;
import io.agentwatch.store.Migration;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.StoreException;
import io.agentwatch.store.Stores;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Brings a store's schema up to this release: what a deployment runs once before the job and the server. */
@Command(name = "migrate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Apply the bundled schema migrations (sql/migrations) that the store has not seen yet, and exit.",
        "Idempotent: a store that is up to date is left alone. `up`, `replay` and the stream job apply them too;",
        "run it on its own when the job and the server use a ClickHouse server (a Kubernetes Job, a release step).",
        "With --cluster, the migrations run in their cluster form: ON CLUSTER, Replicated*MergeTree local tables",
        "(NAME_local) and Distributed tables over them under the usual names, sharded by host.",
        "",
        "Examples:",
        "  agentwatch migrate --set store.kind=remote --set store.remote.url=http://clickhouse:8123 \\",
        "      --set store.remote.password-file=/etc/agentwatch/clickhouse-password",
        "  agentwatch migrate --cluster agentwatch --print     # the cluster's SQL, without connecting"})
final class MigrateCommand implements Callable<Integer> {

  @Mixin
  StoreSettings settings;

  @Option(names = "--cluster", paramLabel = "NAME",
      description = "The ClickHouse cluster (remote_servers) to lay the schema out on; sets store.cluster.")
  String cluster;

  @Option(names = "--print", description = "Print the SQL the migrations run (all of them, in order) and exit without connecting.")
  boolean print;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws StoreException {
    PrintWriter out = spec.commandLine().getOut();
    if (print) {
      out.print(script(settings.unvalidatedStore()));
      out.flush();
      return 0;
    }
    StoreConfig config = settings.load(false).store();
    if (cluster != null) {
      config = onCluster(config);
    }
    try (ClickHouseStore store = Stores.open(config)) {
      List<Migration> applied = Migrations.bundled(store, config).apply();
      out.println(applied.isEmpty()
          ? "the store " + store.describe() + " is up to date"
          : "applied " + applied.size() + " migration(s) to " + store.describe() + ": "
              + String.join(", ", applied.stream().map(Migration::name).toList()));
      out.flush();
      return 0;
    }
  }

  private StoreConfig onCluster(StoreConfig config) {
    try {
      return config.onCluster(cluster).validate();
    } catch (IllegalArgumentException e) {
      throw new UserError("--cluster " + cluster + ": " + e.getMessage(), 2, e);
    }
  }

  /** Every bundled migration as one script: in its cluster form with --cluster (or store.cluster), else as written. */
  private String script(StoreConfig config) {
    String name = cluster != null ? cluster : config.cluster();
    List<Migration> migrations = Migrations.bundledFiles();
    if (name == null) {
      StringBuilder text = new StringBuilder();
      migrations.forEach(migration -> text.append("\n-- ").append(migration.name()).append('\n')
          .append(String.join(";\n", migration.statements())).append(";\n"));
      return text.toString();
    }
    String database = config.remoteDatabase() != null ? config.remoteDatabase() : StoreConfig.DEFAULT_DATABASE;
    try {
      return new ClusterSchema(name, database).script(migrations);
    } catch (IllegalArgumentException e) {
      throw new UserError("--cluster " + name + ": " + e.getMessage(), 2, e);
    }
  }
}
