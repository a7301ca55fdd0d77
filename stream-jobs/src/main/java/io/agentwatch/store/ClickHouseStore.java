package io.agentwatch.store;

/**
 * The ClickHouse engine AgentWatch writes to and reads from. Two implementations behave the same:
 * {@link EmbeddedChdbStore} (the engine in-process through chDB, for one machine and tests) and
 * {@link RemoteClickHouseStore} (a server or cluster through the official Java client). Callers
 * never know which one they hold.
 *
 * <p>Implementations are thread-safe.
 */
public interface ClickHouseStore extends AutoCloseable {

  /** Runs a statement that returns nothing of interest (DDL, INSERT ... SELECT, SYSTEM ...). */
  void execute(String sql) throws StoreException;

  /**
   * Runs a query and returns its result as text in the format the query names with its FORMAT
   * clause (ClickHouse's default, TabSeparated, when it names none).
   */
  String query(String sql) throws StoreException;

  /**
   * Inserts a batch encoded as ClickHouse RowBinary (see {@link RowBinaryWriter}) with the given
   * columns, in that order, into {@code table}.
   */
  void insertRowBinary(String table, java.util.List<String> columns, byte[] rows) throws StoreException;

  /** A short description for logs: "embedded chDB at DIR" or "ClickHouse at URL". */
  String describe();

  @Override
  void close();
}
