package io.agentwatch.capture.export;

import io.agentwatch.schema.FlowRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands records to another sink on a background thread, so that formatting them (JSON or CSV text
 * for a whole capture file) runs on the second core instead of the packet loop. Records go over
 * in batches, one hand-over per {@code batchSize} records rather than a thread wake-up per record;
 * at most {@code batchesInFlight} batches wait, after which {@link #accept} blocks (back-pressure,
 * never a dropped record). Records keep their order. {@link #flush()} returns once everything
 * accepted so far has gone through the delegate's own flush; a failure of the delegate (a closed
 * pipe, say) is thrown from the next call on this sink.
 *
 * <p>On a live capture {@link #tick()} (once a second) hands over a partial batch and lets the
 * delegate {@link FlowSink#tick() tick} on the writer thread, so a record waits at most about a
 * second; tick never blocks the capture (when the writer is behind it tries again next time).
 */
public final class BackgroundFlowSink implements FlowSink {

  // Markers in the queue, compared by identity (List.of() would be one shared instance).
  private static final List<FlowRecord> FLUSH = new ArrayList<>(0);
  private static final List<FlowRecord> CLOSE = new ArrayList<>(0);
  private static final List<FlowRecord> TICK = new ArrayList<>(0);

  private final FlowSink delegate;
  private final int batchSize;
  private final BlockingQueue<List<FlowRecord>> batches;
  private final BlockingQueue<Boolean> flushed = new ArrayBlockingQueue<>(1);
  private final Thread writer;
  private volatile RuntimeException failure;
  private List<FlowRecord> batch;
  private boolean closed;

  public BackgroundFlowSink(FlowSink delegate, String threadName) {
    this(delegate, threadName, 512, 8);
  }

  BackgroundFlowSink(FlowSink delegate, String threadName, int batchSize, int batchesInFlight) {
    this.delegate = delegate;
    this.batchSize = batchSize;
    this.batches = new ArrayBlockingQueue<>(batchesInFlight);
    this.batch = new ArrayList<>(batchSize);
    this.writer = new Thread(this::writeBatches, threadName);
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void accept(FlowRecord record) {
    rethrowFailure();
    batch.add(record);
    if (batch.size() >= batchSize) {
      handOver(batch);
      batch = new ArrayList<>(batchSize);
    }
  }

  @Override
  public void tick() {
    rethrowFailure();
    if (!batch.isEmpty()) {
      if (!batches.offer(batch)) {
        return;
      }
      batch = new ArrayList<>(batchSize);
    }
    batches.offer(TICK);
  }

  @Override
  public void flush() {
    rethrowFailure();
    if (!batch.isEmpty()) {
      handOver(batch);
      batch = new ArrayList<>(batchSize);
    }
    handOver(FLUSH);
    try {
      flushed.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while flushing flow records", e);
    }
    rethrowFailure();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      flush();
    } finally {
      handOver(CLOSE);
      try {
        writer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      delegate.close();
    }
  }

  private void handOver(List<FlowRecord> records) {
    try {
      batches.put(records);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while handing over flow records", e);
    }
  }

  private void rethrowFailure() {
    RuntimeException failed = failure;
    if (failed != null) {
      throw failed;
    }
  }

  private void writeBatches() {
    while (true) {
      List<FlowRecord> records;
      try {
        records = batches.take();
      } catch (InterruptedException e) {
        return;
      }
      if (records == CLOSE) {
        return;
      }
      if (failure != null) {
        // Drain without writing, so the producer never blocks on a dead writer.
        if (records == FLUSH) {
          flushed.add(Boolean.TRUE);
        }
        continue;
      }
      try {
        if (records == FLUSH) {
          delegate.flush();
        } else if (records == TICK) {
          delegate.tick();
        } else {
          for (FlowRecord record : records) {
            delegate.accept(record);
          }
        }
      } catch (RuntimeException | Error e) {
        failure = e instanceof RuntimeException runtime ? runtime : new IllegalStateException("flow record writer failed", e);
      } finally {
        if (records == FLUSH) {
          flushed.add(Boolean.TRUE);
        }
      }
    }
  }
}
