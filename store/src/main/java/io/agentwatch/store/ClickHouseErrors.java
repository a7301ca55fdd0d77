package io.agentwatch.store;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells apart ClickHouse errors worth retrying (the server is overloaded or busy) from the ones that
 * will fail again (bad SQL, type mismatch, missing table). Both stores use it so the same error
 * means the same thing to a writer, embedded or remote.
 */
final class ClickHouseErrors {

  private static final Pattern CODE = Pattern.compile("Code:\\s*(\\d+)");

  /**
   * Error codes (src/Common/ErrorCodes.cpp) that describe a passing condition of the server, not a
   * problem with the statement.
   */
  private static final Set<Integer> RETRIABLE_CODES = Set.of(
      159, // TIMEOUT_EXCEEDED
      202, // TOO_MANY_SIMULTANEOUS_QUERIES
      209, // SOCKET_TIMEOUT
      210, // NETWORK_ERROR
      241, // MEMORY_LIMIT_EXCEEDED
      242, // TABLE_IS_READ_ONLY (replica lost its keeper session)
      252, // TOO_MANY_PARTS
      285, // TOO_FEW_LIVE_REPLICAS
      319, // UNKNOWN_STATUS_OF_INSERT
      999, // KEEPER_EXCEPTION
      1000 // POCO_EXCEPTION (connection-level failures inside the server)
  );

  /**
   * Error codes of an insert whose data holds a value the table refuses (a constraint, a value
   * out of a type's range, bytes that are no value of the column's type): the same rows fail again,
   * the other rows of the batch would not.
   */
  private static final Set<Integer> REFUSED_VALUE_CODES = Set.of(
      6, // CANNOT_PARSE_TEXT
      27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
      33, // CANNOT_READ_ALL_DATA
      41, // CANNOT_PARSE_DATETIME
      69, // ARGUMENT_OUT_OF_BOUND
      70, // CANNOT_CONVERT_TYPE
      72, // CANNOT_PARSE_NUMBER
      117, // INCORRECT_DATA
      131, // TOO_LARGE_STRING_SIZE
      321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
      349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
      469, // VIOLATED_CONSTRAINT
      691 // UNKNOWN_ELEMENT_OF_ENUM
  );

  private ClickHouseErrors() {}

  static boolean isRefusedValue(int code) {
    return REFUSED_VALUE_CODES.contains(code);
  }

  /** The "Code: N" a ClickHouse error message starts with, or -1 when it carries none. */
  static int codeOf(String message) {
    if (message == null) {
      return -1;
    }
    Matcher matcher = CODE.matcher(message);
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
  }

  static boolean isRetriable(int code) {
    return RETRIABLE_CODES.contains(code);
  }

  /** The start of a statement for an error message: enough to recognise it, never a whole batch. */
  static String abbreviate(String sql) {
    String oneLine = sql.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 160 ? oneLine : oneLine.substring(0, 157) + "...";
  }
}
