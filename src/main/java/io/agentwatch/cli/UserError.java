package io.agentwatch.cli;

/** A failure the user can act on; its message is the whole story, no stack trace needed. */
final class UserError extends RuntimeException {

  private final int exitCode;

  UserError(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  UserError(String message, Throwable cause) {
    this(message, 1, cause);
  }

  int exitCode() {
    return exitCode;
  }
}
