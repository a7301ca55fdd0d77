package io.agentwatch.store;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The chDB engine of one data directory, shared by every store object opened on that directory in
 * this JVM (Flink's sink writers in a local MiniCluster each open their own store).
 *
 * <p>chDB lets one process hold one data directory at a time (connecting to a second one fails
 * until every connection to the first is closed), so the registry here is process-wide: it counts
 * the stores using the engine and closes it when the last one goes.
 *
 * <p>Since chDB 4 (libchdb 26.x) one engine takes any number of connections to its directory, each
 * running its own statement in parallel with the others (checked on 26.7: a {@code SELECT 1} on a
 * second connection answers in 2–45 ms while a 43 s INSERT runs on the first; on one connection
 * it waits the 43 s). So writes (DDL, inserts, merges asked for) go through one writer connection,
 * one statement at a time as before, and reads through a small pool of reader connections: a
 * console query does not wait for the job's inserts. Session state ({@code SET}, {@code USE}) is
 * per connection, which is why {@link #queryReadOnly} opens a connection of its own.
 */
final class ChdbEngine {

  /** Output format for statements that name none, as a ClickHouse server's HTTP interface does. */
  static final String DEFAULT_FORMAT = "TabSeparated";

  /** Data goes to the engine in pieces of this size, so a large batch needs no equally large native copy. */
  private static final int INSERT_CHUNK_BYTES = 4 << 20;

  /** Reads that run at once; more wait for a free reader connection. */
  static final int READ_CONNECTIONS = 4;

  private static ChdbEngine open;

  private final ChdbLibrary.Api api;
  private final Path dataDir;
  private final Connection writer;
  private final ReentrantLock writerLock = new ReentrantLock();
  private final BlockingQueue<Connection> idleReaders = new ArrayBlockingQueue<>(READ_CONNECTIONS);
  private final Semaphore readPermits = new Semaphore(READ_CONNECTIONS);
  private final List<Connection> readers = new ArrayList<>(); // guarded by lifecycle's write lock or this
  /** Statements hold the read side; closing the engine takes the write side, so nothing runs under it. */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private int users;
  private boolean closed; // guarded by lifecycle

  /** One chDB connection: the {@code chdb_connection*} to close it and the handle the query calls take. */
  private record Connection(Pointer pointer, Pointer handle) {}

  private ChdbEngine(ChdbLibrary.Api api, Path dataDir, Connection writer) {
    this.api = api;
    this.dataDir = dataDir;
    this.writer = writer;
  }

  /** The shared engine of {@code dataDir} (a canonical path), connecting on first use. */
  static synchronized ChdbEngine acquire(Path dataDir) throws StoreException {
    if (open != null && !open.dataDir.equals(dataDir)) {
      throw new StoreException(
          "chDB holds one data directory per process: " + open.dataDir + " is open (" + open.users
              + " store(s)), so " + dataDir + " cannot be opened until they are closed",
          false);
    }
    if (open == null) {
      ChdbLibrary.Api api = ChdbLibrary.api();
      open = new ChdbEngine(api, dataDir, connect(api, dataDir));
    }
    open.users++;
    return open;
  }

  /** Connects to the engine of {@code dataDir}; serialized on the class, as chDB's own bindings do. */
  private static Connection connect(ChdbLibrary.Api api, Path dataDir) throws StoreException {
    synchronized (ChdbEngine.class) {
      Pointer connectionPointer = api.chdb_connect(2, new String[] {"clickhouse", "--path=" + dataDir});
      if (connectionPointer == null || connectionPointer.getPointer(0) == null) {
        throw new StoreException(
            "chDB could not open " + dataDir + " (is another process using it? chDB locks its data directory)", false);
      }
      return new Connection(connectionPointer, connectionPointer.getPointer(0));
    }
  }

  /** Gives back one use; the engine's connections close with the last one. */
  void release() {
    synchronized (ChdbEngine.class) {
      users--;
      if (users > 0) {
        return;
      }
      open = null;
    }
    // Wait for statements still running on other threads: closing under them would crash the engine.
    lifecycle.writeLock().lock();
    try {
      closed = true;
      for (Connection reader : readers) {
        api.chdb_close_conn(reader.pointer());
      }
      readers.clear();
      idleReaders.clear();
      api.chdb_close_conn(writer.pointer());
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  Path dataDir() {
    return dataDir;
  }

  /** Runs a statement on the writer connection, after the writes before it, and returns its raw output. */
  byte[] run(String sql) throws StoreException {
    byte[] statement = sql.getBytes(StandardCharsets.UTF_8);
    enter();
    writerLock.lock();
    try {
      return run(writer, statement, DEFAULT_FORMAT, sql).body();
    } finally {
      writerLock.unlock();
      lifecycle.readLock().unlock();
    }
  }

  /** Runs a query on a reader connection, beside the writes, and returns its raw output. */
  byte[] read(String sql) throws StoreException {
    byte[] statement = sql.getBytes(StandardCharsets.UTF_8);
    enter();
    try {
      readPermits.acquireUninterruptibly();
      Connection reader = null;
      try {
        reader = idleReaders.poll();
        if (reader == null) {
          reader = openReader();
        }
        return run(reader, statement, DEFAULT_FORMAT, sql).body();
      } finally {
        if (reader != null) {
          idleReaders.add(reader);
        }
        readPermits.release();
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Runs {@code sql} with {@code readonly=1} on a connection of its own (closed afterwards, so no
   * session state outlives the call): {@code database} as the current database, then each of
   * {@code settings} (names checked, values as string literals), then readonly. The caller refuses
   * settings that would lift readonly; the engine refuses INSERT, DDL, SYSTEM and any setting in
   * the statement itself. Errors carry the engine's own text ("Code: N. DB::Exception: ...").
   */
  StatementResult queryReadOnly(String sql, String format, String database, Map<String, String> settings)
      throws StoreException {
    byte[] statement = sql.getBytes(StandardCharsets.UTF_8);
    enter();
    try {
      readPermits.acquireUninterruptibly();
      Connection session = connect(api, dataDir);
      try {
        prepare(session, database, settings);
        runBare(session, "SET readonly = 1");
        return run(session, statement, format, null);
      } finally {
        api.chdb_close_conn(session.pointer());
        readPermits.release();
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Runs a client's statement with write access (DDL, INSERT ... SELECT, or a query) on a connection
   * of its own, {@code database} and {@code settings} set first as for {@link #queryReadOnly}; one
   * at a time with the writes of the writer connection. Errors carry the engine's own text.
   */
  StatementResult runInSession(String sql, String format, String database, Map<String, String> settings)
      throws StoreException {
    byte[] statement = sql.getBytes(StandardCharsets.UTF_8);
    return inWriterSession(database, settings, session -> run(session, statement, format, null));
  }

  /**
   * A client's streaming insert ({@link #insert}) on a connection of its own, {@code database} and
   * {@code settings} (insert_deduplication_token, ...) set first; one at a time with the other writes.
   */
  void insertInSession(String insertWithoutFormat, String format, byte[] data, String database,
      Map<String, String> settings) throws StoreException {
    inWriterSession(database, settings, session -> {
      streamInsert(session, insertWithoutFormat, format, data, null);
      return null;
    });
  }

  /** What runs on a client's session. */
  private interface SessionWork<T> {
    T run(Connection session) throws StoreException;
  }

  /** {@code work} on a new connection prepared for the client, under the writer lock; the connection closes after. */
  private <T> T inWriterSession(String database, Map<String, String> settings, SessionWork<T> work) throws StoreException {
    enter();
    writerLock.lock();
    try {
      Connection session = connect(api, dataDir);
      try {
        prepare(session, database, settings);
        return work.run(session);
      } finally {
        api.chdb_close_conn(session.pointer());
      }
    } finally {
      writerLock.unlock();
      lifecycle.readLock().unlock();
    }
  }

  /** A client's session: {@code database} (or none) as the current one, then each setting (names checked, values as literals). */
  private void prepare(Connection session, String database, Map<String, String> settings) throws StoreException {
    if (database != null && !database.isEmpty()) {
      runBare(session, "USE " + SqlNames.identifier(database));
    }
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      runBare(session, "SET " + SqlNames.identifier(setting.getKey()) + " = " + SqlNames.stringLiteral(setting.getValue()));
    }
  }

  private void runBare(Connection connection, String sql) throws StoreException {
    run(connection, sql.getBytes(StandardCharsets.UTF_8), DEFAULT_FORMAT, null);
  }

  private Connection openReader() throws StoreException {
    Connection reader = connect(api, dataDir);
    synchronized (this) {
      readers.add(reader);
    }
    return reader;
  }

  private void enter() throws StoreException {
    lifecycle.readLock().lock();
    if (closed) {
      lifecycle.readLock().unlock();
      throw new StoreException("embedded chDB at " + dataDir + " is closed", false);
    }
  }

  /**
   * Runs one statement on {@code connection}; {@code sqlForErrors} null means errors keep the
   * engine's text alone (what a ClickHouse client expects to read).
   */
  private StatementResult run(Connection connection, byte[] statement, String format, String sqlForErrors)
      throws StoreException {
    byte[] formatName = format.getBytes(StandardCharsets.US_ASCII);
    Pointer result = api.chdb_query_n(connection.handle(), statement, statement.length, formatName, formatName.length);
    if (result == null) {
      throw new StoreException("chDB at " + dataDir + " returned no result for: "
          + ClickHouseErrors.abbreviate(new String(statement, StandardCharsets.UTF_8)), false);
    }
    try {
      failIfError(api.chdb_result_error(result), sqlForErrors);
      long length = api.chdb_result_length(result);
      if (length > Integer.MAX_VALUE - 8) {
        throw new StoreException("result of " + length + " bytes is too large to return as one piece: "
            + ClickHouseErrors.abbreviate(new String(statement, StandardCharsets.UTF_8)), false);
      }
      byte[] body = length == 0 ? new byte[0] : api.chdb_result_buffer(result).getByteArray(0, (int) length);
      return new StatementResult(body, api.chdb_result_rows_read(result), api.chdb_result_bytes_read(result),
          api.chdb_result_elapsed(result));
    } finally {
      api.chdb_destroy_query_result(result);
    }
  }

  /**
   * Inserts {@code data} in {@code format} through chDB's streaming INSERT: the statement and the
   * data travel separately, so the data is never parsed as part of the query text. (Inline data
   * after {@code FORMAT RowBinary} in one chdb_query_n call looked fine in small tests but lost or
   * rejected rows whose bytes contain line feeds: "Unknown packet 11", 30 of 100 rows missing.)
   */
  void insert(String insertWithoutFormat, String format, byte[] data) throws StoreException {
    enter();
    writerLock.lock();
    try {
      streamInsert(writer, insertWithoutFormat, format, data, insertWithoutFormat);
    } finally {
      writerLock.unlock();
      lifecycle.readLock().unlock();
    }
  }

  /** The streaming insert on {@code connection}; {@code sqlForErrors} as for {@link #run(Connection, byte[], String, String)}. */
  private void streamInsert(Connection connection, String insertWithoutFormat, String format, byte[] data,
      String sqlForErrors) throws StoreException {
    byte[] query = insertWithoutFormat.getBytes(StandardCharsets.UTF_8);
    byte[] formatName = format.getBytes(StandardCharsets.US_ASCII);
    Pointer stream = api.chdb_stream_insert_n(connection.handle(), query, query.length, formatName, formatName.length);
    if (stream == null) {
      throw new StoreException("chDB at " + dataDir + " could not start: " + ClickHouseErrors.abbreviate(insertWithoutFormat), false);
    }
    try {
      failIfError(api.chdb_stream_insert_error(stream), sqlForErrors);
      try (Memory chunk = new Memory(Math.min(Math.max(data.length, 1), INSERT_CHUNK_BYTES))) {
        for (int offset = 0; offset < data.length; offset += INSERT_CHUNK_BYTES) {
          int length = Math.min(INSERT_CHUNK_BYTES, data.length - offset);
          chunk.write(0, data, offset, length);
          if (api.chdb_stream_append(stream, chunk, length) != 0) {
            failIfError(api.chdb_stream_insert_error(stream), sqlForErrors);
            throw new StoreException("chDB at " + dataDir + " refused data for: " + ClickHouseErrors.abbreviate(insertWithoutFormat), false);
          }
        }
      }
      Pointer result = api.chdb_stream_done(stream);
      try {
        failIfError(result == null ? api.chdb_stream_insert_error(stream) : api.chdb_result_error(result), sqlForErrors);
      } finally {
        if (result != null) {
          api.chdb_destroy_query_result(result);
        }
      }
    } finally {
      api.chdb_destroy_insert_stream(stream);
    }
  }

  private void failIfError(String error, String sql) throws StoreException {
    if (error != null) {
      int code = ClickHouseErrors.codeOf(error);
      String where = sql == null ? "" : " [embedded chDB at " + dataDir + ", statement: " + ClickHouseErrors.abbreviate(sql) + "]";
      throw new StoreException(error.strip() + where, ClickHouseErrors.isRetriable(code));
    }
  }
}
