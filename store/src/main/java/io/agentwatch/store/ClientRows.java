package io.agentwatch.store;

import java.util.List;

/**
 * The {@code clients} table (sql/migrations/080_clients.sql): the client catalog, one row per
 * catalogued JA4 with the clients seen with it and their kinds. The store does not read the
 * catalog; whoever holds it (the stack) passes its rows to {@link #replace}.
 */
public final class ClientRows {

  public static final String TABLE = "clients";

  public static final List<String> COLUMNS = List.of("ja4", "clients", "client_kind");

  /**
   * One catalogued fingerprint.
   *
   * @param clients the client ids seen with it, ', '-separated
   * @param kinds their kinds, distinct, ', '-separated
   */
  public record Entry(String ja4, String clients, String kinds) {}

  private ClientRows() {}

  /** Makes the table hold exactly {@code entries}; returns how many rows it holds. */
  public static int replace(ClickHouseStore store, List<Entry> entries) throws StoreException {
    RowBinaryWriter out = new RowBinaryWriter();
    for (Entry entry : entries) {
      out.string(entry.ja4()).string(entry.clients()).lowCardinalityString(entry.kinds());
    }
    store.execute("TRUNCATE TABLE " + SqlNames.table(TABLE));
    if (!entries.isEmpty()) {
      store.insertRowBinary(TABLE, COLUMNS, out.toByteArray());
    }
    return entries.size();
  }
}
