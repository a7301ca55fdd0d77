package io.agentwatch.cli;

import io.agentwatch.config.ConfigException;
import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import io.agentwatch.delivery.DeliveryConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** The settings of the delivery commands (`deliver`, `alerts test-delivery`): a YAML file, the environment, --set. */
final class DeliverySettings {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML file with the delivery.* settings (that of `up` or `deliver`).")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting, e.g. --set delivery.max-attempts=20; repeatable.")
  Map<String, String> set = new LinkedHashMap<>();

  /** The raw settings (for the command's own keys) and the delivery config read from them. */
  record Loaded(Settings settings, DeliveryConfig delivery) {}

  /**
   * @param given values of the command's own flags, which win over --set
   * @param checks the command's own checks, recording problems on the settings
   * @throws UserError exit code 2 naming every bad key
   */
  Loaded load(List<Setting> keys, Map<String, Object> given, Consumer<Loaded> checks) {
    Map<String, Object> commandLine = new LinkedHashMap<>(set);
    commandLine.putAll(given);
    Settings settings = Settings.load(keys, configFile, System.getenv(), commandLine);
    Loaded loaded = new Loaded(settings, DeliveryConfig.from(settings, System.getenv()));
    checks.accept(loaded);
    try {
      settings.throwIfProblems();
    } catch (ConfigException e) {
      throw new UserError(e.getMessage(), 2, e);
    }
    return loaded;
  }

  /** The version receivers see (User-Agent, OCSF product, CEF header). */
  static String productVersion() {
    String version = AgentWatch.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
