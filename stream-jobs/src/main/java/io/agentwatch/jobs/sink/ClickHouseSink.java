package io.agentwatch.jobs.sink;

import io.agentwatch.jobs.deadletter.DeadLetterLog;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.DeadLetter;
import io.agentwatch.store.DeadLetterRows;
import io.agentwatch.store.RowBinaryWriter;
import io.agentwatch.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records into one ClickHouse table through the {@link ClickHouseStore} interface, so the
 * same sink serves the embedded engine and a remote server. Rows are batched in RowBinary.
 *
 * <p>Exactly-once (the default): the writer cuts batches of at most {@code maxBatchRows} and hands
 * them over at each checkpoint, each with a token fixed at that moment; the committer inserts them
 * once the checkpoint is complete, with the token as ClickHouse's insert_deduplication_token. A job
 * restored from that checkpoint commits the same batches with the same tokens again and the store
 * drops the repeats; rows after the checkpoint were never written and come again from the source.
 *
 * <p>At-least-once: the writer inserts a batch when it is full, old enough, or a checkpoint is
 * taken, without a token.
 *
 * <p>A record whose row cannot be encoded (a value its column refuses) does not stop the job: its
 * half-written row is taken back and the record goes to the dead_letters table instead, in a batch
 * of its own that travels the same way (exactly-once: cut, checkpointed and committed with a
 * token like the others), counted in {@code deadLetters}. A row the store refuses on insert (a
 * constraint, a value out of range) is found by halving its batch in the committer (tokens derived
 * from the batch's, so a replay splits the same way); the other rows are written, the refused one
 * goes to dead_letters.
 *
 * <p>Either way a retriable store error is retried with exponential backoff until the store takes
 * the batch: the sink holds back its input (back-pressure) rather than dropping rows. Any other
 * fatal error (bad SQL, a missing table) fails the job.
 */
public final class ClickHouseSink<T> implements Sink<T>, SupportsCommitter<ClickHouseBatch> {

  private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSink.class);

  private final ClickHouseSinkConfig config;
  private final TableEncoder<T> encoder;

  public ClickHouseSink(ClickHouseSinkConfig config, TableEncoder<T> encoder) {
    this.config = config.validate();
    this.encoder = encoder;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
    return new Writer<>(config, encoder, context.metricGroup());
  }

  @Override
  public Committer<ClickHouseBatch> createCommitter(CommitterInitContext context) throws IOException {
    return new BatchCommitter(config, encoder, context.metricGroup());
  }

  @Override
  public SimpleVersionedSerializer<ClickHouseBatch> getCommittableSerializer() {
    return new ClickHouseBatch.Serializer();
  }

  /** Writes one batch, retrying retriable failures with exponential backoff until it lands. */
  static final class Inserter implements AutoCloseable {
    private final ClickHouseSinkConfig config;
    private final TableEncoder<?> encoder;
    private final ClickHouseStore store;
    private final Counter rowsWritten;
    private final Counter retries;
    private final DeadLetterLog deadLetters;

    Inserter(ClickHouseSinkConfig config, TableEncoder<?> encoder, MetricGroup metrics, DeadLetterLog deadLetters)
        throws IOException {
      this.config = config;
      this.encoder = encoder;
      this.deadLetters = deadLetters;
      try {
        this.store = config.opener().open(config.store());
      } catch (StoreException e) {
        throw new IOException("cannot open the store for table " + encoder.table() + ": " + e.getMessage(), e);
      }
      this.rowsWritten = metrics.counter("clickhouseRowsWritten");
      this.retries = metrics.counter("clickhouseRetries");
    }

    /**
     * Writes rows of the sink's table. When the store refuses a value in them and the row ends are
     * known, it finds the refused rows by halves — each half with a token derived from the batch's,
     * so a replayed batch splits the same way and its halves are dropped as repeats — writes the
     * others and sends each refused row to dead_letters.
     */
    void insert(byte[] rows, int[] rowEnds, int rowCount, String token) throws IOException, InterruptedException {
      try {
        insert(encoder.table(), encoder.columns(), rows, rowCount, token);
      } catch (RefusedRowsException e) {
        if (rowEnds == null) {
          throw e;
        }
        LOG.warn("{} of {} rows for {}; looking for the rows it refuses", e.getMessage(), rowCount, encoder.table());
        split(rows, rowEnds, 0, rowEnds.length, token, e);
      }
    }

    private void split(byte[] rows, int[] rowEnds, int from, int to, String token, RefusedRowsException refused)
        throws IOException, InterruptedException {
      if (to - from == 1) {
        deadLetter(rows, token, refused);
        return;
      }
      int middle = (from + to) >>> 1;
      insertPart(rows, rowEnds, from, middle, token == null ? null : token + "-a");
      insertPart(rows, rowEnds, middle, to, token == null ? null : token + "-b");
    }

    private void insertPart(byte[] rows, int[] rowEnds, int from, int to, String token)
        throws IOException, InterruptedException {
      int start = from == 0 ? 0 : rowEnds[from - 1];
      byte[] part = Arrays.copyOfRange(rows, start, rowEnds[to - 1]);
      int[] partEnds = new int[to - from];
      for (int i = from; i < to; i++) {
        partEnds[i - from] = rowEnds[i] - start;
      }
      try {
        insert(encoder.table(), encoder.columns(), part, to - from, token);
      } catch (RefusedRowsException e) {
        split(part, partEnds, 0, partEnds.length, token, e);
      }
    }

    /** One refused row to dead_letters, with its RowBinary bytes as raw. */
    private void deadLetter(byte[] row, String token, RefusedRowsException refused) throws IOException, InterruptedException {
      String sensorId = "";
      long sequence = 0;
      // Tables that record where a row came from start with these two columns (flows, late_flows).
      if (encoder.columns().size() >= 2 && encoder.columns().get(0).equals("sensor_id")
          && encoder.columns().get(1).equals("sequence")) {
        ByteBuffer in = ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN);
        try {
          int length = 0;
          for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
              break;
            }
          }
          byte[] text = new byte[length];
          in.get(text);
          sensorId = new String(text, StandardCharsets.UTF_8);
          sequence = in.getLong();
        } catch (RuntimeException e) {
          sensorId = ""; // the row is too broken to say
        }
      }
      DeadLetter letter = new DeadLetter(System.currentTimeMillis(), sensorId, sequence, "", -1, -1,
          DeadLetter.insert(encoder.table()), refused.getCause().getMessage(), row);
      RowBinaryWriter out = new RowBinaryWriter(row.length * 2 + 256);
      DeadLetterRows.encode(out, letter);
      insertDeadLetters(out.toByteArray(), 1, token == null ? null : token + "-dead");
      deadLetters.report(letter);
    }

    /** Dead letters of this sink's records go to dead_letters, through the same retries. */
    void insertDeadLetters(byte[] rows, int rowCount, String token) throws IOException, InterruptedException {
      insert(DeadLetterRows.TABLE, DeadLetterRows.COLUMNS, rows, rowCount, token);
    }

    private void insert(String table, List<String> columns, byte[] rows, int rowCount, String token)
        throws IOException, InterruptedException {
      long backoffMillis = config.initialBackoff().toMillis();
      while (true) {
        try {
          store.insertRowBinary(table, columns, rows, token);
          rowsWritten.inc(rowCount);
          return;
        } catch (StoreException e) {
          if (e.isRefusedValue()) {
            throw new RefusedRowsException(store.describe() + " refused a value in " + rowCount + " rows for " + table, e);
          }
          if (!e.isRetriable()) {
            throw new IOException("writing " + rowCount + " rows to " + table + " in "
                + store.describe() + " failed: " + e.getMessage(), e);
          }
          retries.inc();
          LOG.warn("{} unavailable ({}); retrying {} rows for {} in {} ms",
              store.describe(), e.getMessage(), rowCount, table, backoffMillis);
          Thread.sleep(backoffMillis);
          backoffMillis = Math.min(backoffMillis * 2, config.maxBackoff().toMillis());
        }
      }
    }

    @Override
    public void close() {
      store.close();
    }
  }

  /** The store refused a value in the rows: the same rows fail again, others would not. */
  static final class RefusedRowsException extends IOException {
    RefusedRowsException(String message, StoreException cause) {
      super(message + ": " + cause.getMessage(), cause);
    }
  }

  static final class Writer<T> implements CommittingSinkWriter<T, ClickHouseBatch> {

    private final ClickHouseSinkConfig config;
    private final TableEncoder<T> encoder;
    private final boolean exactlyOnce;
    private final Inserter inserter;
    private final RowBinaryWriter batch = new RowBinaryWriter();
    // Where each row of the batch ends: lets the committer find a row the store refuses.
    private int[] rowEnds = new int[1024];
    // Rows of dead_letters for records whose own row could not be encoded; small, rarely used.
    private final RowBinaryWriter deadLetterRows = new RowBinaryWriter(1024);
    private final DeadLetterLog deadLetters;
    private final List<ClickHouseBatch> cut = new ArrayList<>();
    // A fresh id per writer instance: batches cut after a restore can never reuse a token that an
    // earlier run's batch holds, whatever the checkpoint ids.
    private final String tokenPrefix;
    private long batchesCut;
    private int batchRows;
    private int deadLetterCount;
    private long batchStartedNanos;

    Writer(ClickHouseSinkConfig config, TableEncoder<T> encoder, MetricGroup metrics) throws IOException {
      this.config = config;
      this.encoder = encoder;
      this.exactlyOnce = config.delivery() == ClickHouseSinkConfig.Delivery.EXACTLY_ONCE;
      this.deadLetters = new DeadLetterLog(metrics);
      // Exactly-once writers only cut batches; the committer writes them.
      this.inserter = exactlyOnce ? null : new Inserter(config, encoder, metrics, deadLetters);
      this.tokenPrefix = encoder.table() + "-" + UUID.randomUUID();
    }

    @Override
    public void write(T record, Context context) throws IOException, InterruptedException {
      if (batchRows == 0) {
        batchStartedNanos = System.nanoTime();
      }
      int rowStart = batch.size();
      try {
        encoder.encode(batch, record);
      } catch (RuntimeException e) {
        // A value the column refuses (an address that is no address, a port above 65535, a
        // missing field): take back the half-written row, keep the record as a dead letter.
        batch.truncate(rowStart);
        deadLetter(record, e);
        return;
      }
      if (batchRows == rowEnds.length) {
        rowEnds = Arrays.copyOf(rowEnds, rowEnds.length * 2);
      }
      rowEnds[batchRows] = batch.size();
      batchRows++;
      if (batchRows >= config.maxBatchRows()) {
        endBatch();
      } else if (!exactlyOnce && System.nanoTime() - batchStartedNanos >= config.maxBatchAge().toNanos()) {
        endBatch();
      }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
      endBatch();
    }

    @Override
    public Collection<ClickHouseBatch> prepareCommit() {
      List<ClickHouseBatch> ready = List.copyOf(cut);
      cut.clear();
      return ready;
    }

    private void deadLetter(T record, RuntimeException error) {
      String sensorId;
      long sequence;
      try {
        sensorId = String.valueOf(encoder.sensorIdOf().of(record));
        sequence = encoder.sequenceOf().of(record);
      } catch (RuntimeException e) {
        sensorId = "";
        sequence = 0;
      }
      DeadLetter letter = new DeadLetter(System.currentTimeMillis(), sensorId, sequence, "", -1, -1,
          DeadLetter.encode(encoder.table()), error.getClass().getSimpleName() + ": " + error.getMessage(),
          String.valueOf(record).getBytes(StandardCharsets.UTF_8));
      DeadLetterRows.encode(deadLetterRows, letter);
      deadLetterCount++;
      deadLetters.report(letter);
    }

    /** Exactly-once: keeps the batch for the next checkpoint; at-least-once: writes it now. */
    private void endBatch() throws IOException, InterruptedException {
      if (deadLetterCount > 0) {
        if (exactlyOnce) {
          cut.add(new ClickHouseBatch(tokenPrefix + "-" + batchesCut++, deadLetterCount, deadLetterRows.toByteArray(), true, null));
        } else {
          inserter.insertDeadLetters(deadLetterRows.toByteArray(), deadLetterCount, null);
        }
        deadLetterRows.reset();
        deadLetterCount = 0;
      }
      if (batchRows == 0) {
        return;
      }
      if (exactlyOnce) {
        cut.add(new ClickHouseBatch(tokenPrefix + "-" + batchesCut++, batchRows, batch.toByteArray(), false,
            Arrays.copyOf(rowEnds, batchRows)));
      } else {
        inserter.insert(batch.toByteArray(), Arrays.copyOf(rowEnds, batchRows), batchRows, null);
      }
      batch.reset();
      batchRows = 0;
    }

    @Override
    public void close() {
      if (inserter != null) {
        inserter.close();
      }
    }
  }

  /** Writes the batches of completed checkpoints; blocks (back-pressure) while the store is down. */
  static final class BatchCommitter implements Committer<ClickHouseBatch> {

    private final Inserter inserter;

    BatchCommitter(ClickHouseSinkConfig config, TableEncoder<?> encoder, MetricGroup metrics) throws IOException {
      this.inserter = new Inserter(config, encoder, metrics, new DeadLetterLog(metrics));
    }

    @Override
    public void commit(Collection<CommitRequest<ClickHouseBatch>> requests) throws IOException, InterruptedException {
      for (CommitRequest<ClickHouseBatch> request : requests) {
        ClickHouseBatch batch = request.getCommittable();
        if (batch.deadLetters()) {
          inserter.insertDeadLetters(batch.rows(), batch.rowCount(), batch.token());
        } else {
          inserter.insert(batch.rows(), batch.rowEnds(), batch.rowCount(), batch.token());
        }
      }
    }

    @Override
    public void close() {
      inserter.close();
    }
  }
}
