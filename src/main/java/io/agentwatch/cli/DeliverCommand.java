package io.agentwatch.cli;

import io.agentwatch.config.ConfigException;
import io.agentwatch.config.Settings;
import io.agentwatch.delivery.AlertDelivery;
import io.agentwatch.delivery.DeliveryConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Alert delivery on its own, for a deployment whose Kafka and Flink are not the one-machine stack. */
@Command(name = "deliver", mixinStandardHelpOptions = true, usageHelpWidth = 120,
    description = {"Deliver alerts from a Kafka alerts topic to webhooks, Slack, Teams, Splunk HEC and syslog,",
        "until stopped (Ctrl-C or SIGTERM). `agentwatch up` does the same itself when receivers are configured.",
        "",
        "Receivers, routes and retries are settings under delivery.* (YAML file, environment, --set);",
        "see delivery/README.md. Delivered keys and the dead-letter file are kept in DATA_DIR/delivery,",
        "so a restart neither loses nor resends alerts.",
        "",
        "Example:",
        "  agentwatch deliver --bootstrap-servers kafka-1:9092 -c delivery.yaml --data-dir /var/lib/agentwatch"})
final class DeliverCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...", description = "The Kafka cluster (kafka.bootstrap-servers).")
  String bootstrapServers;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML file with kafka.* and delivery.* settings.")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting, e.g. --set delivery.max-attempts=20; repeatable.")
  Map<String, String> set = new LinkedHashMap<>();

  @Mixin
  DataDirOption dataDir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> given = new LinkedHashMap<>(set);
    if (bootstrapServers != null) {
      given.put("kafka.bootstrap-servers", bootstrapServers);
    }
    Settings settings = Settings.load(DeliveryConfig.STANDALONE_SETTINGS, configFile, System.getenv(), given);
    DeliveryConfig config = DeliveryConfig.from(settings, System.getenv());
    if (settings.text("kafka.bootstrap-servers") == null) {
      settings.problem("kafka.bootstrap-servers", "missing: name the Kafka cluster with --bootstrap-servers HOST:PORT");
    }
    if (config != null && !config.hasReceivers()) {
      settings.problem("delivery.receivers", "no receivers configured: nothing to deliver to (see delivery/README.md)");
    }
    try {
      settings.throwIfProblems();
    } catch (ConfigException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
    Path state = dataDir.dataDirectory().path().resolve("delivery");
    String topic = settings.text("kafka.alerts-topic");
    CountDownLatch stop = UpCommand.stopOnSignal();
    PrintWriter out = spec.commandLine().getOut();
    String version = AgentWatch.class.getPackage().getImplementationVersion();
    try (AlertDelivery delivery = AlertDelivery.start(config, settings.text("kafka.bootstrap-servers"), topic,
        settings.map("delivery.kafka"), state, version == null ? "dev" : version)) {
      out.println("Delivering alerts of topic " + topic + " to " + config.receivers().size() + " receivers: "
          + String.join(", ", config.receivers().stream().map(r -> r.name()).toList()));
      out.println("Set aside after " + config.maxAttempts() + " tries: " + delivery.deadLetterFile());
      out.flush();
      while (!stop.await(1, TimeUnit.SECONDS)) {
        if (delivery.failure() != null) {
          throw new UserError("alert delivery stopped: " + delivery.failure().getMessage(), delivery.failure());
        }
      }
    }
    return 0;
  }
}
