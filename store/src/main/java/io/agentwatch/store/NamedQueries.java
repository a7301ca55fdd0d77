package io.agentwatch.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The named queries of sql/queries/, shipped in this jar: dashboards, reports and the command line
 * read the same SQL. A query file has no FORMAT clause and no trailing ';', so callers append the
 * format they need.
 */
public final class NamedQueries {

  public static final String RESOURCE_FOLDER = "sql/queries";

  private NamedQueries() {}

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
