package io.agentwatch.store;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Table and column names as they go into generated statements: checked, then quoted. */
final class SqlNames {

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private SqlNames() {}

  /** {@code table} or {@code database.table}, each part back-quoted. */
  static String table(String name) {
    String[] parts = name.split("\\.", -1);
    if (parts.length > 2) {
      throw new IllegalArgumentException("table name '" + name + "' must be 'table' or 'database.table'");
    }
    StringBuilder quoted = new StringBuilder();
    for (String part : parts) {
      if (quoted.length() > 0) {
        quoted.append('.');
      }
      quoted.append(identifier(part));
    }
    return quoted.toString();
  }

  static String identifier(String name) {
    if (name == null || !IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)");
    }
    return "`" + name + "`";
  }

  /**
   * The query setting that makes an insert's deduplication reach the tables its materialized views
   * feed (flow_totals_*, host_vendor_contact from flows): a re-sent batch is dropped there too,
   * instead of being added again. On by default since ClickHouse 24.x (and on chDB 26.7); set on
   * every tokened insert so an older server behaves the same. The target tables need
   * non_replicated_deduplication_window like the source (010_flow_totals.sql).
   */
  static final String DEDUPLICATE_IN_VIEWS = "deduplicate_blocks_in_dependent_materialized_views";

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");

  /**
   * A deduplication token as it may appear inside a quoted SQL string: checked, not escaped, so a
   * token can never change the statement.
   */
  static String deduplicationToken(String token) {
    if (token == null || !TOKEN.matcher(token).matches()) {
      throw new IllegalArgumentException("deduplication token '" + token + "' must match " + TOKEN.pattern());
    }
    return token;
  }

  /** {@code text} as a ClickHouse string literal: quoted, backslashes and quotes escaped. */
  static String stringLiteral(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** {@code INSERT INTO `t` (`a`, `b`)}: an insert without its FORMAT clause or data. */
  static String insertInto(String table, List<String> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("an insert into " + table + " needs at least one column");
    }
    return "INSERT INTO " + table(table) + " ("
        + columns.stream().map(SqlNames::identifier).collect(Collectors.joining(", ")) + ")";
  }
}
