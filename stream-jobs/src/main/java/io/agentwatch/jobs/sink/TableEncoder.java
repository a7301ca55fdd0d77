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
 * @param sensorIdOf the sensor a record came from, for its dead letter when its row cannot be written
 * @param sequenceOf the record's sequence number from that sensor, likewise
 */
public record TableEncoder<T>(String table, List<String> columns, RowEncoding<T> encoding,
    Field<T, String> sensorIdOf, Field<T, Long> sequenceOf) implements Serializable {

  /** Serializable so that a method reference such as {@code FlowRows::encode} travels in a job graph. */
  @FunctionalInterface
  public interface RowEncoding<T> extends Serializable {
    void encode(RowBinaryWriter out, T record);
  }

  /** One value of a record, serializable like {@link RowEncoding}. */
  @FunctionalInterface
  public interface Field<T, V> extends Serializable {
    V of(T record);
  }

  public TableEncoder {
    columns = List.copyOf(columns);
  }

  /** Records whose dead letters name no sensor ("" and sequence 0). */
  public TableEncoder(String table, List<String> columns, RowEncoding<T> encoding) {
    this(table, columns, encoding, record -> "", record -> 0L);
  }

  /** The same encoder, with dead letters that name the record's sensor and sequence. */
  public TableEncoder<T> withOrigin(Field<T, String> sensorId, Field<T, Long> sequence) {
    return new TableEncoder<>(table, columns, encoding, sensorId, sequence);
  }

  void encode(RowBinaryWriter out, T record) {
    encoding.encode(out, record);
  }
}
