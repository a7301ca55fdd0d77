package io.agentwatch.chhttp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An INSERT with data as a ClickHouse client sends it over HTTP, taken apart so the data reaches
 * the engine through its streaming insert and never as inline data (chDB appends the process's
 * standard input to an INSERT's inline data). The request is the {@code query} URL parameter and
 * the body joined by a line feed, as a server reads it, so the statement may be in either: client-v2
 * puts {@code INSERT INTO t (c) FORMAT RowBinary} in the parameter and the rows in the body; curl
 * users often send the statement at the head of the body.
 *
 * @param statement the INSERT up to its FORMAT clause or VALUES (its SETTINGS clause included)
 * @param format the input format: the FORMAT clause's, or Values
 * @param data what followed: from the first line feed after the format name (as a server reads it),
 *     or everything after VALUES
 */
record ClientInsert(String statement, String format, byte[] data) {

  /** Where the statement must end: an INSERT's head is short, its data need not be looked at. */
  private static final int MAX_HEAD_BYTES = 1 << 16;

  private static final Pattern INSERT = Pattern.compile("(?is)\\s*INSERT\\b");

  /** INSERT INTO table [(columns)] [SETTINGS ...] then FORMAT name, VALUES, or a SELECT. */
  private static final Pattern HEAD = Pattern.compile("(?is)\\s*INSERT\\s+INTO\\s+(?:TABLE\\s+)?"
      + "(?:`[^`]*`|\"[^\"]*\"|[A-Za-z0-9_.])+\\s*(?:\\([^)]*\\)\\s*)?(?:SETTINGS\\s.*?)?(?<![A-Za-z0-9_])"
      + "(?<keyword>FORMAT\\s+(?<format>[A-Za-z0-9_]+)|VALUES(?![A-Za-z0-9_])|(?<select>SELECT|WITH)(?![A-Za-z0-9_]))");

  /**
   * The insert in {@code query} (the URL parameter, or null) and {@code body}; null when the request
   * is no INSERT or an INSERT ... SELECT (a statement without data). Throws
   * IllegalArgumentException for an INSERT of another form (INSERT INTO FUNCTION, no FORMAT).
   */
  static ClientInsert parse(String query, byte[] body) {
    byte[] request = body;
    if (query != null) {
      byte[] statement = query.getBytes(StandardCharsets.UTF_8);
      request = Arrays.copyOf(statement, statement.length + (body.length == 0 ? 0 : 1 + body.length));
      if (body.length > 0) {
        request[statement.length] = '\n';
        System.arraycopy(body, 0, request, statement.length + 1, body.length);
      }
    }
    // ISO-8859-1 maps each byte to one char: offsets in the text are offsets in the request.
    String head = new String(request, 0, Math.min(request.length, MAX_HEAD_BYTES), StandardCharsets.ISO_8859_1);
    if (!INSERT.matcher(head).lookingAt()) {
      return null;
    }
    Matcher matcher = HEAD.matcher(head);
    if (!matcher.lookingAt()) {
      throw new IllegalArgumentException("only INSERT INTO table [(columns)] [SETTINGS ...] followed by FORMAT name and"
          + " the data, VALUES, or a SELECT is served here: '" + abbreviate(head) + "'");
    }
    if (matcher.group("select") != null) {
      return null;
    }
    String statement = new String(request, 0, matcher.start("keyword"), StandardCharsets.UTF_8).strip();
    if (matcher.group("format") == null) {
      return new ClientInsert(statement, "Values", Arrays.copyOfRange(request, matcher.end("keyword"), request.length));
    }
    // The data starts after the first line feed, if there is one, or after the blanks otherwise (ClickHouse's
    // ParserInsertQuery); a ';' right after the format name means no data.
    int dataStart = matcher.end("format");
    while (dataStart < request.length && (request[dataStart] == ' ' || request[dataStart] == '\t' || request[dataStart] == '\f')) {
      dataStart++;
    }
    if (dataStart < request.length && request[dataStart] == ';') {
      dataStart = request.length;
    }
    if (dataStart < request.length && request[dataStart] == '\r') {
      dataStart++;
    }
    if (dataStart < request.length && request[dataStart] == '\n') {
      dataStart++;
    }
    return new ClientInsert(statement, matcher.group("format"), Arrays.copyOfRange(request, dataStart, request.length));
  }

  private static String abbreviate(String text) {
    String oneLine = text.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
  }
}
