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
  default void insertRowBinary(String table, java.util.List<String> columns, byte[] rows) throws StoreException {
    insertRowBinary(table, columns, rows, null);
  }

  /**
   * Like {@link #insertRowBinary(String, java.util.List, byte[])}, with ClickHouse's
   * {@code insert_deduplication_token}: a second insert with the same token into the same table is
   * acknowledged and dropped (within the table's deduplication window; the tables set
   * {@code non_replicated_deduplication_window}, see sql/migrations/004). This is what makes a
   * retried or replayed batch land once. {@code deduplicationToken} null means no token.
   */
  void insertRowBinary(String table, java.util.List<String> columns, byte[] rows, String deduplicationToken)
      throws StoreException;

  /**
   * The cluster this store's schema is laid out on ({@code store.cluster}), or null for one server
   * and the embedded engine. Reads and inserts go to the same table names either way (on a cluster
   * the Distributed tables); other statements on the tables take their cluster form
   * ({@link ClusterSchema#statement}).
   */
  default ClusterSchema clusterSchema() {
    return null;
  }

  /** A short description for logs: "embedded chDB at DIR" or "ClickHouse at URL". */
  String describe();

  @Override
  void close();
}
