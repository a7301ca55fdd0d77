package io.agentwatch.cli;

import io.agentwatch.api.ApiServer;
import io.agentwatch.stack.StackMetrics;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.StoreException;
import io.agentwatch.store.Stores;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The HTTP API over a store that something else fills: the server of a deployment where Kafka,
 * the job and ClickHouse run as clusters (deploy/k8s). Runs until SIGTERM.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Serve the HTTP API (named queries, alerts, health, Prometheus metrics) over a store, until stopped.",
        "For deployments where the job writes to a ClickHouse server; on one machine `up` serves it already.",
        "Give it a read-only ClickHouse user: it runs only the named queries of sql/queries.",
        "Off loopback it needs http.token-file (clients send 'Authorization: Bearer TOKEN'), or it refuses to start.",
        "",
        "Example:",
        "  agentwatch serve --http 0.0.0.0:8080 --set store.kind=remote --set store.remote.url=http://clickhouse:8123 \\",
        "      --set store.remote.user=agentwatch_reader --set store.remote.password-file=/etc/agentwatch/reader-password"})
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
      description = "Where the HTTP API listens. Default: ${DEFAULT-VALUE}.")
  String http;

  @Mixin
  StoreSettings settings;

  @Spec
  CommandSpec spec;

  /** Counted down by SIGTERM (or by a test running the command in-process). */
  final CountDownLatch stop = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "serve-stop"));
    StoreSettings.Loaded config = settings.load(true);
    InetSocketAddress address = UpCommand.address(http);
    try {
      config.http().requireAuthenticationOffLoopback(address);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
    try (ClickHouseStore store = Stores.open(config.store())) {
      StackMetrics metrics = StackMetrics.storeOnly(store, Clock.systemUTC());
      ApiServer api;
      try {
        api = ApiServer.start(address, config.http(), store, Clock.systemUTC(), writer -> {
          try {
            StackMetrics.write(metrics.snapshot(), writer);
          } catch (StoreException e) {
            throw new IllegalStateException("the store does not answer: " + e.getMessage(), e);
          }
        }, metrics::health);
      } catch (BindException e) {
        throw new UserError("--http " + http + ": " + e.getMessage() + " (another program listens there)", 2, e);
      }
      try (api) {
        out.println("AgentWatch serves " + store.describe() + " at " + api.url() + " (SIGTERM stops it)");
        out.flush();
        stop.await();
      }
      return 0;
    }
  }
}
