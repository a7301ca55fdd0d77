package io.agentwatch.cli;

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

  @Mixin
  DeliverySettings settings;

  @Mixin
  DataDirOption dataDir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> given = new LinkedHashMap<>();
    if (bootstrapServers != null) {
      given.put("kafka.bootstrap-servers", bootstrapServers);
    }
    DeliverySettings.Loaded loaded = settings.load(DeliveryConfig.STANDALONE_SETTINGS, given, checked -> {
      if (checked.settings().text("kafka.bootstrap-servers") == null) {
        checked.settings().problem("kafka.bootstrap-servers", "missing: name the Kafka cluster with --bootstrap-servers HOST:PORT");
      }
      if (checked.delivery() != null && !checked.delivery().hasReceivers()) {
        checked.settings().problem("delivery.receivers", "no receivers configured: nothing to deliver to (see delivery/README.md)");
      }
    });
    Settings values = loaded.settings();
    DeliveryConfig config = loaded.delivery();
    Path state = dataDir.dataDirectory().path().resolve("delivery");
    String topic = values.text("kafka.alerts-topic");
    CountDownLatch stop = UpCommand.stopOnSignal();
    PrintWriter out = spec.commandLine().getOut();
    try (AlertDelivery delivery = AlertDelivery.start(config, values.text("kafka.bootstrap-servers"), topic,
        values.map("delivery.kafka"), state, DeliverySettings.productVersion())) {
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
