package io.agentwatch.cli;

import io.agentwatch.config.Setting;
import io.agentwatch.delivery.DeliveryConfig;
import io.agentwatch.delivery.TestAlert;
import io.agentwatch.delivery.receiver.DeliveryException;
import io.agentwatch.stack.OneMachineStack;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

  @Mixin
  DeliverySettings settings;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    DeliveryConfig config = settings.load(SETTINGS, Map.of(), checked -> { }).delivery();
    try {
      String answer = TestAlert.send(config, name, DeliverySettings.productVersion(), Instant.now());
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
