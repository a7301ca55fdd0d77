package io.agentwatch.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The named queries of sql/queries/, shipped in this jar: dashboards, reports and the command line
 * read the same SQL. A query file has no FORMAT clause and no trailing ';', so callers append the
 * format they need. A query may take ClickHouse query parameters ({@code {from:DateTime}}): a
 * server client may pass them as such; {@link #load(String, Map)} binds them in the text for any store.
 */
public final class NamedQueries {

  public static final String RESOURCE_FOLDER = "sql/queries";

  /** A ClickHouse query parameter: {@code {name:Type}}. */
  private static final Pattern PARAMETER = Pattern.compile("\\{(\\w+):([A-Za-z0-9(), ']+)\\}");

  private NamedQueries() {}

  /**
   * The SQL of {@code sql/queries/NAME.sql} with its query parameters bound: each
   * {@code {name:Type}} becomes {@code CAST('value' AS Type)}, so the engine still parses and
   * checks the value as the type the query declares. (chDB's plain query call takes no parameters
   * and a SETTINGS clause does not set them.)
   *
   * @throws IllegalArgumentException naming a parameter the query uses but {@code parameters} lacks
   */
  public static String load(String name, Map<String, String> parameters) {
    Matcher placeholder = PARAMETER.matcher(load(name));
    StringBuilder sql = new StringBuilder();
    while (placeholder.find()) {
      String value = parameters.get(placeholder.group(1));
      if (value == null) {
        throw new IllegalArgumentException("named query '" + name + "' needs parameter '" + placeholder.group(1)
            + "' (" + placeholder.group(2) + "); given: " + parameters.keySet());
      }
      String literal = "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
      placeholder.appendReplacement(sql, Matcher.quoteReplacement("CAST(" + literal + " AS " + placeholder.group(2) + ")"));
    }
    placeholder.appendTail(sql);
    return sql.toString();
  }

  /** The SQL of {@code sql/queries/NAME.sql}. */
  public static String load(String name) {
    String resource = RESOURCE_FOLDER + "/" + name + ".sql";
    try (InputStream in = NamedQueries.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no named query '" + name + "' (" + resource + " is not on the classpath)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
