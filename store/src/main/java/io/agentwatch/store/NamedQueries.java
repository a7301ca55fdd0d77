package io.agentwatch.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The named queries of sql/queries/, shipped in this jar: dashboards, reports, the HTTP API and
 * the command line read the same SQL, and no other. See {@link NamedQuery} for the file format.
 */
public final class NamedQueries {

  public static final String RESOURCE_FOLDER = "sql/queries";

  private NamedQueries() {}

  /**
   * The query {@code sql/queries/NAME.sql}.
   *
   * @throws IllegalArgumentException when there is no such query (the message lists those there
   *     are) or its file is malformed
   */
  public static NamedQuery get(String name) {
    if (!name.matches("[a-z][a-z0-9_]*")) {
      throw unknown(name);
    }
    String resource = RESOURCE_FOLDER + "/" + name + ".sql";
    try (InputStream in = NamedQueries.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw unknown(name);
      }
      return NamedQuery.parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** The SQL of {@code sql/queries/NAME.sql} with every parameter at its default. */
  public static String load(String name) {
    return get(name).render(Map.of(), java.time.Instant.now());
  }

  /** The names of every named query, sorted. */
  public static List<String> names() {
    URL folder = NamedQueries.class.getClassLoader().getResource(RESOURCE_FOLDER);
    if (folder == null) {
      return List.of();
    }
    try {
      URI uri = folder.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          return names(jar.getPath(RESOURCE_FOLDER));
        } catch (FileSystemAlreadyExistsException e) {
          return names(FileSystems.getFileSystem(uri).getPath(RESOURCE_FOLDER)); // another caller's, left open
        }
      }
      return names(Path.of(uri));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot list " + folder, e);
    }
  }

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(file -> file.getFileName().toString())
          .filter(file -> file.endsWith(".sql"))
          .map(file -> file.substring(0, file.length() - ".sql".length()))
          .sorted()
          .toList();
    }
  }

  private static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException("no named query '" + name + "'; the queries are: " + String.join(", ", names()));
  }
}
