package io.agentwatch.jobs.sink;

import io.agentwatch.store.RowBinaryWriter;
import java.io.Serializable;
import java.util.List;

/**
 * How records of one type become RowBinary rows of one ClickHouse table.
 *
 * @param table the table
 * @param columns the columns {@code encoding} writes, in order
 * @param encoding appends one record as one row
 */
public record TableEncoder<T>(String table, List<String> columns, RowEncoding<T> encoding)
    implements Serializable {

  /** Serializable so that a method reference such as {@code FlowRows::encode} travels in a job graph. */
  @FunctionalInterface
  public interface RowEncoding<T> extends Serializable {
    void encode(RowBinaryWriter out, T record);
  }

  public TableEncoder {
    columns = List.copyOf(columns);
  }

  void encode(RowBinaryWriter out, T record) {
    encoding.encode(out, record);
  }
}
