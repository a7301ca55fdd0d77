package io.agentwatch.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;

/**
 * Turns a failure into one clear line on stderr and a non-zero exit. Errors a user can act on
 * (bad input file, bad setting, unreachable service) are {@link UserError}s or
 * IllegalArgumentExceptions from config validation; anything else is a bug and keeps its stack
 * trace in the log (at debug level) so a report can include it.
 */
final class UserFacingErrors implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    String name = cli.getCommandName();
    if (e instanceof UserError error) {
      cli.getErr().println(name + ": " + error.getMessage());
      return error.exitCode();
    }
    if (e instanceof IllegalArgumentException) {
      cli.getErr().println(name + ": invalid setting: " + e.getMessage());
      return 2;
    }
    // Asked for here, not in a static field: this handler is built with every command line, and
    // log4j is configured meanwhile on another thread (StartupWarmUp).
    Logger log = LoggerFactory.getLogger(UserFacingErrors.class);
    log.debug("{} failed", name, e);
    cli.getErr().println(name + ": failed: " + e + (e.getCause() != null ? " (cause: " + e.getCause() + ")" : "")
        + "; run with AGENTWATCH_LOG_LEVEL=DEBUG for the stack trace");
    return 1;
  }
}
