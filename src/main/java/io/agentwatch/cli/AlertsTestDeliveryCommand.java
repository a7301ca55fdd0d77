package io.agentwatch.cli;

import io.agentwatch.config.ConfigException;
import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import io.agentwatch.delivery.DeliveryConfig;
import io.agentwatch.delivery.TestAlert;
import io.agentwatch.delivery.receiver.DeliveryException;
import io.agentwatch.stack.OneMachineStack;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `agentwatch alerts test-delivery NAME`: one made-up alert to one receiver, and what it answered. */
@Command(name = "test-delivery", mixinStandardHelpOptions = true,
    description = {"Send a test alert to receiver NAME (under delivery.receivers) once, and print what it answered.",
        "The receiver's route is ignored; nothing is retried or remembered."})
final class AlertsTestDeliveryCommand implements Callable<Integer> {

  /** The file of `up` or of `deliver`: either has the receivers. */
  private static final List<Setting> SETTINGS = Stream.concat(OneMachineStack.SETTINGS.stream(),
      DeliveryConfig.STANDALONE_SETTINGS.stream()).toList();

  @Parameters(paramLabel = "NAME", description = "The receiver, as named under delivery.receivers.")
  String name;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML file with the delivery.* settings.")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting, e.g. --set delivery.timeout=30s; repeatable.")
  Map<String, String> set = new LinkedHashMap<>();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    Settings settings = Settings.load(SETTINGS, configFile, System.getenv(), new LinkedHashMap<>(set));
    DeliveryConfig config = DeliveryConfig.from(settings, System.getenv());
    try {
      settings.throwIfProblems();
    } catch (ConfigException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
    String version = AgentWatch.class.getPackage().getImplementationVersion();
    try {
      String answer = TestAlert.send(config, name, version == null ? "dev" : version, Instant.now());
      spec.commandLine().getOut().println(name + " (" + config.receiver(name).describe() + "): " + answer);
      spec.commandLine().getOut().flush();
      return 0;
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), 2, e);
    } catch (DeliveryException e) {
      throw new UserError("not delivered: " + e.getMessage(), 1, e);
    }
  }
}
