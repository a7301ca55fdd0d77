package io.agentwatch.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a store's schema up to date: applies each {@code sql/migrations/NNN_name.sql} once, in
 * order, and records it in {@code schema_migrations} (version, name, checksum, applied_at).
 * Running it again applies only what is new. A file whose text changed after it was applied is an
 * error: released migrations are never edited, a new numbered file changes the schema.
 *
 * <p>On a cluster ({@link ClusterSchema}) each migration runs in its cluster form, rendered from
 * the same file (the checksum is the file's), and the history is one table replicated to every
 * node, so a run through any node sees what was applied.
 *
 * <p>The files ship as classpath resources. A jar cannot be listed through the class loader, so
 * the folder is found through its URL and listed as a directory (classes folder in the IDE and in
 * tests) or as the entries of the jar that holds it.
 */
public final class Migrations {

  public static final String RESOURCE_FOLDER = "sql/migrations";

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private static final String HISTORY_TABLE = "schema_migrations";
  private static final String CREATE_HISTORY = "CREATE TABLE IF NOT EXISTS " + HISTORY_TABLE + " ("
      + " version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)"
      + ") ENGINE = MergeTree ORDER BY version";

  private final ClickHouseStore store;
  private final List<Migration> migrations;
  private final ClusterSchema cluster;

  /** Applies {@code migrations} (in version order, whatever order they come in) to {@code store}. */
  public Migrations(ClickHouseStore store, List<Migration> migrations) {
    this(store, migrations, null);
  }

  /**
   * Applies {@code migrations} to {@code store}, in their cluster form when {@code cluster} is not
   * null (the statements go to one node and run ON CLUSTER).
   */
  public Migrations(ClickHouseStore store, List<Migration> migrations, ClusterSchema cluster) {
    this.store = store;
    this.cluster = cluster;
    List<Migration> sorted = new ArrayList<>(migrations);
    sorted.sort(Comparator.comparingInt(Migration::version));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).version() == sorted.get(i - 1).version()) {
        throw new IllegalArgumentException(
            "two migrations share version " + sorted.get(i).version() + ": " + sorted.get(i - 1).name() + " and " + sorted.get(i).name());
      }
    }
    this.migrations = List.copyOf(sorted);
  }

  /**
   * The migrations shipped with AgentWatch (sql/migrations on the classpath), in their cluster form
   * when the store is on a cluster ({@link ClickHouseStore#clusterSchema}).
   */
  public static Migrations bundled(ClickHouseStore store) {
    return new Migrations(store, bundledFiles(), store.clusterSchema());
  }

  /** The bundled migrations for the store {@code config} describes: in their cluster form when it names a cluster. */
  public static Migrations bundled(ClickHouseStore store, StoreConfig config) {
    return new Migrations(store, bundledFiles(), config.clusterSchema());
  }

  /** The files of sql/migrations on the classpath, in version order. */
  public static List<Migration> bundledFiles() {
    return load(Migrations.class.getClassLoader(), RESOURCE_FOLDER);
  }

  /**
   * Applies what has not been applied yet and returns it (empty when the schema was up to date).
   * Checks first that every applied migration still has the text it was applied with.
   */
  public List<Migration> apply() throws StoreException {
    store.execute(cluster == null ? CREATE_HISTORY : cluster.clusterWide(CREATE_HISTORY));
    Map<Integer, String[]> applied = appliedVersions();
    for (Migration migration : migrations) {
      String[] record = applied.get(migration.version());
      if (record != null && !record[1].equals(migration.checksum())) {
        throw new StoreException("migration " + migration.name() + " changed after it was applied (as " + record[0]
            + ", checksum " + record[1] + ", now " + migration.checksum() + "): never edit an applied migration, add a new numbered file",
            false);
      }
    }
    Map<Migration, List<String>> statements = new HashMap<>();
    if (cluster != null) {
      cluster.render(migrations).forEach(rendered -> statements.put(rendered.migration(), rendered.statements()));
    } else {
      migrations.forEach(migration -> statements.put(migration, migration.statements()));
    }
    List<Migration> newlyApplied = new ArrayList<>();
    for (Migration migration : migrations) {
      if (applied.containsKey(migration.version())) {
        continue;
      }
      for (String statement : statements.get(migration)) {
        try {
          store.execute(statement);
        } catch (StoreException e) {
          throw new StoreException("migration " + migration.name() + " failed: " + e.getMessage(), e.isRetriable(), e);
        }
      }
      // INSERT … SELECT, not VALUES: chDB appends the process's standard input to an INSERT's
      // inline data when stdin is a pipe (seen on 26.7), so `… | agentwatch up` would fail here.
      store.execute("INSERT INTO " + HISTORY_TABLE + " (version, name, checksum) SELECT "
          + migration.version() + ", " + SqlNames.stringLiteral(migration.name()) + ", " + SqlNames.stringLiteral(migration.checksum()));
      LOG.info("applied migration {} to {}", migration.name(), store.describe());
      newlyApplied.add(migration);
    }
    return newlyApplied;
  }

  /** version → {name, checksum} of what the store says was applied. */
  private Map<Integer, String[]> appliedVersions() throws StoreException {
    String text = store.query("SELECT version, name, checksum FROM " + HISTORY_TABLE + " ORDER BY version FORMAT TabSeparated");
    Map<Integer, String[]> applied = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      applied.put(Integer.parseInt(fields[0]), new String[] {fields[1], fields[2]});
    }
    return applied;
  }

  /** Reads every {@code NNN_name.sql} of a classpath folder, from a directory or from a jar. */
  static List<Migration> load(ClassLoader classLoader, String folder) {
    URL url = classLoader.getResource(folder);
    if (url == null) {
      throw new IllegalStateException("no " + folder + " on the classpath: the jar was built without the sql/ folder");
    }
    try {
      List<Migration> migrations = new ArrayList<>();
      if ("file".equals(url.getProtocol())) {
        Path directory = Paths.get(url.toURI());
        try (Stream<Path> files = Files.list(directory)) {
          for (Path file : files.sorted().toList()) {
            String fileName = file.getFileName().toString();
            if (fileName.endsWith(".sql")) {
              migrations.add(Migration.of(fileName, Files.readString(file, StandardCharsets.UTF_8)));
            }
          }
        }
      } else if ("jar".equals(url.getProtocol())) {
        JarURLConnection connection = (JarURLConnection) url.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
          String prefix = folder + "/";
          for (JarEntry entry : jar.stream().sorted(Comparator.comparing(JarEntry::getName)).toList()) {
            String fileName = entry.getName().substring(Math.min(prefix.length(), entry.getName().length()));
            if (entry.getName().startsWith(prefix) && !entry.isDirectory() && !fileName.contains("/") && fileName.endsWith(".sql")) {
              try (InputStream in = jar.getInputStream(entry)) {
                migrations.add(Migration.of(fileName, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
              }
            }
          }
        }
      } else {
        throw new IllegalStateException("cannot list " + url + ": migrations must come from a directory or a jar");
      }
      if (migrations.isEmpty()) {
        throw new IllegalStateException("no NNN_name.sql files in " + url);
      }
      return migrations;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read migrations from " + url, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot read migrations from " + url, e);
    }
  }
}
