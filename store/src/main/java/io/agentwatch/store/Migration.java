package io.agentwatch.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One file of sql/migrations: {@code NNN_name.sql}, applied once, in version order.
 *
 * @param version the NNN of the file name
 * @param name the file name, e.g. "001_flows.sql"
 * @param sql the file's text
 */
public record Migration(int version, String name, String sql) {

  private static final Pattern FILE_NAME = Pattern.compile("(\\d{3})_[a-z0-9_]+\\.sql");
  private static final Pattern STATEMENT_END = Pattern.compile(";[ \\t]*(\\r?\\n|$)");

  /** A migration from its file name and text; the name must look like {@code 001_flows.sql}. */
  public static Migration of(String fileName, String sql) {
    Matcher matcher = FILE_NAME.matcher(fileName);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "migration file '" + fileName + "' must be named NNN_name.sql (three digits, lower-case name), e.g. 001_flows.sql");
    }
    return new Migration(Integer.parseInt(matcher.group(1)), fileName, sql);
  }

  /**
   * SHA-256 of the text with line ends normalized, so a checkout that turns LF into CRLF does not
   * look like an edited migration.
   */
  public String checksum() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(sql.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * The statements of the file: separated by a ';' at the end of a line. Pieces holding only
   * comments and blanks are dropped.
   */
  public List<String> statements() {
    List<String> statements = new ArrayList<>();
    for (String piece : STATEMENT_END.split(sql)) {
      if (!onlyCommentsAndBlanks(piece)) {
        statements.add(piece.strip());
      }
    }
    return statements;
  }

  private static boolean onlyCommentsAndBlanks(String piece) {
    return piece.lines().map(String::strip).allMatch(line -> line.isEmpty() || line.startsWith("--"));
  }

  @Override
  public String toString() {
    return name;
  }
}
