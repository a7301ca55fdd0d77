package io.agentwatch.cli;

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
    subcommands = {FlowsCommand.class, SensorCommand.class, UpCommand.class, GenerateCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Run 'agentwatch help COMMAND' for a command's options."})
public final class AgentWatch implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests call it to run commands in-process. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new AgentWatch());
    cli.setExecutionExceptionHandler(new UserFacingErrors());
    SensorCommand.addSettingsHelp(cli.getSubcommands().get("sensor"));
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
