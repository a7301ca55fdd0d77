package io.agentwatch.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ClickHouse engine in this process, through chDB. Every store opened on the same directory
 * shares one engine (see {@link ChdbEngine}): writes run one at a time on its writer connection,
 * queries on a pool of reader connections beside them; closing a store gives back its share.
 *
 * <p>RowBinary batches go through chDB's streaming INSERT (statement and data separately, the data
 * in chunks), not as inline data after the FORMAT clause: see {@link ChdbEngine#insert}.
 */
public final class EmbeddedChdbStore implements ClickHouseStore {

  /** The statements {@link #queryReadOnly} runs, by their first keyword. */
  private static final Set<String> READ_STATEMENTS = Set.of("SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "EXISTS");

  /** The first keyword after blanks, comments and opening parentheses. */
  private static final Pattern FIRST_KEYWORD = Pattern.compile("(?:\\s|--[^\\n]*\\n?|/\\*.*?\\*/|\\()*([A-Za-z]+)", Pattern.DOTALL);

  private final ChdbEngine engine;
  private volatile boolean closed;

  private EmbeddedChdbStore(ChdbEngine engine) {
    this.engine = engine;
  }

  /** Opens (creating it if needed) the data directory, or joins the engine already running on it. */
  public static EmbeddedChdbStore open(Path dataDir) throws StoreException {
    Path canonical;
    try {
      Files.createDirectories(dataDir);
      canonical = dataDir.toRealPath();
    } catch (IOException e) {
      throw new StoreException("cannot create the chDB data directory " + dataDir + ": " + e.getMessage(), false, e);
    }
    return new EmbeddedChdbStore(ChdbEngine.acquire(canonical));
  }

  public Path dataDir() {
    return engine.dataDir();
  }

  @Override
  public void execute(String sql) throws StoreException {
    checkOpen();
    engine.run(sql);
  }

  @Override
  public String query(String sql) throws StoreException {
    checkOpen();
    return new String(engine.read(sql), StandardCharsets.UTF_8);
  }

  /**
   * Runs a client's query with {@code readonly=1} on a connection of its own, beside the writes:
   * what the store's ClickHouse HTTP interface serves. {@code format} is the output format when the
   * query names none; {@code database} (or empty) the current database; {@code settings} are set
   * before readonly (names must be plain identifiers; the caller refuses any that lift readonly).
   */
  public StatementResult queryReadOnly(String sql, String format, String database, Map<String, String> settings)
      throws StoreException {
    checkOpen();
    Matcher first = FIRST_KEYWORD.matcher(sql);
    if (!first.lookingAt() || !READ_STATEMENTS.contains(first.group(1).toUpperCase(Locale.ROOT))) {
      // readonly=1 alone lets some SYSTEM statements through (STOP MERGES ran on chDB 26.7).
      throw new StoreException("Code: 164. DB::Exception: Cannot execute query in readonly mode: only "
          + String.join(", ", READ_STATEMENTS.stream().sorted().toList()) + " statements are read here. (READONLY)", false);
    }
    return engine.queryReadOnly(sql, format, database, settings);
  }

  /**
   * Runs a client's statement with write access (the writer user of the store's ClickHouse HTTP
   * interface): DDL, INSERT ... SELECT, or a query, on a connection of its own as
   * {@link #queryReadOnly} does, without readonly, one write at a time with this store's own. An
   * INSERT that carries data goes through {@link #insertForWriter} instead, never inline here.
   */
  public StatementResult runForWriter(String sql, String format, String database, Map<String, String> settings)
      throws StoreException {
    checkOpen();
    return engine.runInSession(sql, format, database, settings);
  }

  /**
   * A client's INSERT with data, through the engine's streaming insert: {@code insert} is the
   * statement without its FORMAT clause (or VALUES), {@code data} what followed it in
   * {@code format}; {@code settings} (insert_deduplication_token, ...) apply to this insert alone.
   */
  public void insertForWriter(String insert, String format, byte[] data, String database, Map<String, String> settings)
      throws StoreException {
    checkOpen();
    engine.insertInSession(insert, format, data, database, settings);
  }

  @Override
  public void insertRowBinary(String table, List<String> columns, byte[] rows, String deduplicationToken)
      throws StoreException {
    checkOpen();
    if (rows.length == 0) {
      return;
    }
    String insert = SqlNames.insertInto(table, columns);
    if (deduplicationToken != null) {
      // The streaming insert takes query-level settings in the statement (checked on chDB 26.7:
      // a repeated token is dropped by a MergeTree with non_replicated_deduplication_window > 0).
      insert += " SETTINGS insert_deduplication_token = '" + SqlNames.deduplicationToken(deduplicationToken) + "', "
          + SqlNames.DEDUPLICATE_IN_VIEWS + " = 1";
    }
    insertStreamed(insert, "RowBinary", rows);
  }

  /** Inserts data in any input format: {@code insert} is the statement without its FORMAT clause. */
  void insertStreamed(String insert, String format, byte[] data) throws StoreException {
    checkOpen();
    engine.insert(insert, format, data);
  }

  @Override
  public String describe() {
    return "embedded chDB at " + engine.dataDir();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    engine.release();
  }

  private void checkOpen() throws StoreException {
    if (closed) {
      throw new StoreException(describe() + " is closed", false);
    }
  }
}
