package io.agentwatch.cli;

import io.agentwatch.config.SettingsHelp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The agentwatch command: one CLI for every role. */
@Command(
    name = "agentwatch",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
        "Measures what AI coding agents and LLM clients send out of a network:",
        "flow metadata per host and AI vendor, never payloads.", ""},
    footer = {"", "Run 'agentwatch help COMMAND' for a command's options."})
public final class AgentWatch implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The subcommands, in the order `--help` lists them. */
  private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

  private static Map<String, Supplier<Object>> subcommands() {
    Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
    commands.put("flows", FlowsCommand::new);
    commands.put("sensor", SensorCommand::new);
    commands.put("up", UpCommand::new);
    commands.put("replay", ReplayCommand::new);
    commands.put("query", QueryCommand::new);
    commands.put("alerts", AlertsCommand::new);
    commands.put("backtest", BacktestCommand::new);
    commands.put("deliver", DeliverCommand::new);
    commands.put("report", ReportCommand::new);
    commands.put("generate", GenerateCommand::new);
    commands.put("serve", ServeCommand::new);
    commands.put("migrate", MigrateCommand::new);
    commands.put("catalog", CatalogCommand::new);
    commands.put("help", CommandLine.HelpCommand::new);
    return commands;
  }

  public static void main(String[] args) {
    StartupWarmUp warmUp = StartupWarmUp.start();
    CommandLine cli = commandLine(args.length > 0 ? args[0] : null);
    warmUp.awaitLogging();
    System.exit(cli.execute(args));
  }

  /** The configured command line with every subcommand; tests call it to run commands in-process. */
  public static CommandLine commandLine() {
    return commandLine(null);
  }

  /**
   * The command line for running {@code subcommand}: only that one is registered when it names one
   * of ours (`help`, a misspelling or no subcommand get them all). Picocli builds each registered
   * command's model by reflection, and building all of them was a fifth of `flows`'s start-up.
   */
  static CommandLine commandLine(String subcommand) {
    CommandLine cli = new CommandLine(new AgentWatch());
    boolean onlyOne = SUBCOMMANDS.containsKey(subcommand) && !"help".equals(subcommand);
    SUBCOMMANDS.forEach((name, command) -> {
      if (!onlyOne || name.equals(subcommand)) {
        cli.addSubcommand(name, command.get());
      }
    });
    cli.setExecutionExceptionHandler(new UserFacingErrors());
    CommandLine sensor = cli.getSubcommands().get("sensor");
    if (sensor != null) {
      SensorCommand.addSettingsHelp(sensor);
    }
    CommandLine flows = cli.getSubcommands().get("flows");
    if (flows != null) {
      List<String> footer = new ArrayList<>(List.of("", "Settings (--set KEY=VALUE; environment variable; default):"));
      footer.addAll(SettingsHelp.lines(SensorOptions.SETTINGS));
      flows.getCommandSpec().usageMessage().footer(footer.toArray(new String[0]));
    }
    for (String storeOnly : new String[] {"serve", "migrate"}) {
      CommandLine command = cli.getSubcommands().get(storeOnly);
      if (command != null) {
        StoreSettings.addHelp(command, storeOnly.equals("serve"));
      }
    }
    for (String stack : new String[] {"up", "replay"}) {
      CommandLine command = cli.getSubcommands().get(stack);
      if (command != null) {
        StackSettings.addHelp(command);
      }
    }
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
