package io.agentwatch.report;

/** A report that cannot say anything useful, with the reason a user can act on. */
public final class ReportException extends RuntimeException {

  public ReportException(String message) {
    super(message);
  }
}
