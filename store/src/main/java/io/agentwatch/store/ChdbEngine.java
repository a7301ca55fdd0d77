package io.agentwatch.store;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One chDB connection to one data directory, shared by every store object opened on that directory
 * in this JVM (Flink's sink writers in a local MiniCluster each open their own store).
 *
 * <p>chDB lets one process hold one data directory at a time (connecting to a second one fails
 * until every connection to the first is closed), so the registry here is process-wide: it counts
 * the stores using the connection and closes it when the last one goes. A connection runs one
 * statement at a time, so calls on it are serialized.
 */
final class ChdbEngine {

  /** Output format for statements that name none, as a ClickHouse server's HTTP interface does. */
  private static final byte[] DEFAULT_FORMAT = "TabSeparated".getBytes(StandardCharsets.US_ASCII);

  /** Data goes to the engine in pieces of this size, so a large batch needs no equally large native copy. */
  private static final int INSERT_CHUNK_BYTES = 4 << 20;

  private static ChdbEngine open;

  private final ChdbLibrary.Api api;
  private final Path dataDir;
  private final Pointer connectionPointer;
  private final Pointer connection;
  private final ReentrantLock statementLock = new ReentrantLock();
  private int users;
  private boolean connectionClosed; // guarded by statementLock

  private ChdbEngine(ChdbLibrary.Api api, Path dataDir, Pointer connectionPointer) {
    this.api = api;
    this.dataDir = dataDir;
    this.connectionPointer = connectionPointer;
    this.connection = connectionPointer.getPointer(0);
  }

  /** The shared connection to {@code dataDir} (a canonical path), connecting on first use. */
  static synchronized ChdbEngine acquire(Path dataDir) throws StoreException {
    if (open != null && !open.dataDir.equals(dataDir)) {
      throw new StoreException(
          "chDB holds one data directory per process: " + open.dataDir + " is open (" + open.users
              + " store(s)), so " + dataDir + " cannot be opened until they are closed",
          false);
    }
    if (open == null) {
      ChdbLibrary.Api api = ChdbLibrary.api();
      Pointer connectionPointer = api.chdb_connect(2, new String[] {"clickhouse", "--path=" + dataDir});
      if (connectionPointer == null || connectionPointer.getPointer(0) == null) {
        throw new StoreException(
            "chDB could not open " + dataDir + " (is another process using it? chDB locks its data directory)", false);
      }
      open = new ChdbEngine(api, dataDir, connectionPointer);
    }
    open.users++;
    return open;
  }

  /** Gives back one use; the connection closes with the last one. */
  void release() {
    synchronized (ChdbEngine.class) {
      users--;
      if (users > 0) {
        return;
      }
      open = null;
    }
    // Wait for a statement still running on another thread: closing under it would crash the engine.
    statementLock.lock();
    try {
      connectionClosed = true;
      api.chdb_close_conn(connectionPointer);
    } finally {
      statementLock.unlock();
    }
  }

  Path dataDir() {
    return dataDir;
  }

  /** Runs one statement and returns its raw output. */
  private byte[] run(byte[] statement, String sqlForErrors) throws StoreException {
    statementLock.lock();
    try {
      if (connectionClosed) {
        throw new StoreException("embedded chDB at " + dataDir + " is closed", false);
      }
      Pointer result = api.chdb_query_n(connection, statement, statement.length, DEFAULT_FORMAT, DEFAULT_FORMAT.length);
      if (result == null) {
        throw new StoreException("chDB at " + dataDir + " returned no result for: " + ClickHouseErrors.abbreviate(sqlForErrors), false);
      }
      try {
        failIfError(api.chdb_result_error(result), sqlForErrors);
        long length = api.chdb_result_length(result);
        if (length == 0) {
          return new byte[0];
        }
        if (length > Integer.MAX_VALUE - 8) {
          throw new StoreException("result of " + length + " bytes is too large to return as one piece: "
              + ClickHouseErrors.abbreviate(sqlForErrors), false);
        }
        return api.chdb_result_buffer(result).getByteArray(0, (int) length);
      } finally {
        api.chdb_destroy_query_result(result);
      }
    } finally {
      statementLock.unlock();
    }
  }

  /**
   * Inserts {@code data} in {@code format} through chDB's streaming INSERT: the statement and the
   * data travel separately, so the data is never parsed as part of the query text. (Inline data
   * after {@code FORMAT RowBinary} in one chdb_query_n call looked fine in small tests but lost or
   * rejected rows whose bytes contain line feeds: "Unknown packet 11", 30 of 100 rows missing.)
   */
  void insert(String insertWithoutFormat, String format, byte[] data) throws StoreException {
    byte[] query = insertWithoutFormat.getBytes(StandardCharsets.UTF_8);
    byte[] formatName = format.getBytes(StandardCharsets.US_ASCII);
    statementLock.lock();
    try {
      if (connectionClosed) {
        throw new StoreException("embedded chDB at " + dataDir + " is closed", false);
      }
      Pointer stream = api.chdb_stream_insert_n(connection, query, query.length, formatName, formatName.length);
      if (stream == null) {
        throw new StoreException("chDB at " + dataDir + " could not start: " + insertWithoutFormat, false);
      }
      try {
        failIfError(api.chdb_stream_insert_error(stream), insertWithoutFormat);
        try (Memory chunk = new Memory(Math.min(Math.max(data.length, 1), INSERT_CHUNK_BYTES))) {
          for (int offset = 0; offset < data.length; offset += INSERT_CHUNK_BYTES) {
            int length = Math.min(INSERT_CHUNK_BYTES, data.length - offset);
            chunk.write(0, data, offset, length);
            if (api.chdb_stream_append(stream, chunk, length) != 0) {
              failIfError(api.chdb_stream_insert_error(stream), insertWithoutFormat);
              throw new StoreException("chDB at " + dataDir + " refused data for: " + insertWithoutFormat, false);
            }
          }
        }
        Pointer result = api.chdb_stream_done(stream);
        try {
          failIfError(result == null ? api.chdb_stream_insert_error(stream) : api.chdb_result_error(result), insertWithoutFormat);
        } finally {
          if (result != null) {
            api.chdb_destroy_query_result(result);
          }
        }
      } finally {
        api.chdb_destroy_insert_stream(stream);
      }
    } finally {
      statementLock.unlock();
    }
  }

  private void failIfError(String error, String sql) throws StoreException {
    if (error != null) {
      int code = ClickHouseErrors.codeOf(error);
      throw new StoreException(
          error.strip() + " [embedded chDB at " + dataDir + ", statement: " + ClickHouseErrors.abbreviate(sql) + "]",
          ClickHouseErrors.isRetriable(code));
    }
  }

  byte[] run(String sql) throws StoreException {
    return run(sql.getBytes(StandardCharsets.UTF_8), sql);
  }
}
