package io.agentwatch.jobs.sink;

import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.RowBinaryWriter;
import io.agentwatch.store.StoreException;
import io.agentwatch.store.Stores;
import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records into one ClickHouse table through the {@link ClickHouseStore} interface, so the
 * same sink serves the embedded engine and a remote server. Rows are batched in RowBinary and
 * written when a batch is full, old enough, or a checkpoint is taken: a checkpoint completes only
 * after every row before it is in the store (at-least-once).
 */
public final class ClickHouseSink<T> implements Sink<T> {

  private final ClickHouseSinkConfig config;
  private final TableEncoder<T> encoder;

  public ClickHouseSink(ClickHouseSinkConfig config, TableEncoder<T> encoder) {
    this.config = config.validate();
    this.encoder = encoder;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
    return new Writer<>(config, encoder, context);
  }

  static final class Writer<T> implements SinkWriter<T> {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSink.class);

    private final ClickHouseSinkConfig config;
    private final TableEncoder<T> encoder;
    private final ClickHouseStore store;
    private final RowBinaryWriter batch = new RowBinaryWriter();
    private final Counter rowsWritten;
    private final Counter retries;
    private int batchRows;
    private long batchStartedNanos;

    Writer(ClickHouseSinkConfig config, TableEncoder<T> encoder, WriterInitContext context) throws IOException {
      this.config = config;
      this.encoder = encoder;
      try {
        this.store = Stores.open(config.store());
      } catch (StoreException e) {
        throw new IOException("cannot open the store for table " + encoder.table() + ": " + e.getMessage(), e);
      }
      this.rowsWritten = context.metricGroup().counter("clickhouseRowsWritten");
      this.retries = context.metricGroup().counter("clickhouseRetries");
    }

    @Override
    public void write(T record, Context context) throws IOException, InterruptedException {
      if (batchRows == 0) {
        batchStartedNanos = System.nanoTime();
      }
      encoder.encode(batch, record);
      batchRows++;
      if (batchRows >= config.maxBatchRows()
          || System.nanoTime() - batchStartedNanos >= config.maxBatchAge().toNanos()) {
        writeBatch();
      }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
      writeBatch();
    }

    /** Writes the batch, retrying retriable failures with exponential backoff until it lands. */
    private void writeBatch() throws IOException, InterruptedException {
      if (batchRows == 0) {
        return;
      }
      byte[] rows = batch.toByteArray();
      long backoffMillis = config.initialBackoff().toMillis();
      while (true) {
        try {
          store.insertRowBinary(encoder.table(), encoder.columns(), rows);
          break;
        } catch (StoreException e) {
          if (!e.isRetriable()) {
            throw new IOException("writing " + batchRows + " rows to " + encoder.table() + " in "
                + store.describe() + " failed: " + e.getMessage(), e);
          }
          retries.inc();
          LOG.warn("{} unavailable ({}); retrying {} rows for {} in {} ms",
              store.describe(), e.getMessage(), batchRows, encoder.table(), backoffMillis);
          Thread.sleep(backoffMillis);
          backoffMillis = Math.min(backoffMillis * 2, config.maxBackoff().toMillis());
        }
      }
      rowsWritten.inc(batchRows);
      batch.reset();
      batchRows = 0;
    }

    @Override
    public void close() {
      store.close();
    }
  }
}
