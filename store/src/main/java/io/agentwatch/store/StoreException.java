package io.agentwatch.store;

/**
 * A failed store operation. {@link #isRetriable()} tells a writer whether trying the same
 * operation again later can succeed (the store is unreachable, overloaded, restarting) or not (bad
 * SQL, a type mismatch, a missing table): retriable errors delay data, fatal ones stop the job.
 */
public class StoreException extends Exception {

  private static final long serialVersionUID = 1L;

  private final boolean retriable;

  public StoreException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  public StoreException(String message, boolean retriable) {
    this(message, retriable, null);
  }

  public boolean isRetriable() {
    return retriable;
  }

  /**
   * The store refused a value in the inserted rows (a constraint, a value out of range, bytes that
   * are no value of the column's type): the rows without it would be taken.
   */
  public boolean isRefusedValue() {
    return !retriable && ClickHouseErrors.isRefusedValue(ClickHouseErrors.codeOf(getMessage()));
  }

  /** The ClickHouse error code the message carries ("Code: 60. ..."), or -1 when it carries none. */
  public int clickHouseCode() {
    return ClickHouseErrors.codeOf(getMessage());
  }
}
