package io.agentwatch.capture.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.Transport;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundFlowSinkTest {

  private static FlowRecord record(long sequence) {
    return FlowRecord.newBuilder()
        .setSensorId("s1").setSequence(sequence).setHost("10.0.0.1").setSrcIp("10.0.0.1").setSrcPort(40000)
        .setDstIp("10.0.0.2").setDstPort(443).setTransport(Transport.TCP)
        .setFirstSeen(Instant.EPOCH).setLastSeen(Instant.EPOCH)
        .setPacketsUp(1).setPacketsDown(1).setBytesUp(60).setBytesDown(60).setEndReason(EndReason.FIN)
        .setIdentifiedBy(Evidence.NONE).build();
  }

  @Test
  void everyRecordArrivesInOrderAndFlushWaitsForTheDelegate() {
    InMemoryFlowSink target = new InMemoryFlowSink();
    AtomicInteger delegateFlushes = new AtomicInteger();
    FlowSink counting = new FlowSink() {
      @Override
      public void accept(FlowRecord record) {
        target.accept(record);
      }

      @Override
      public void flush() {
        delegateFlushes.incrementAndGet();
      }
    };
    try (BackgroundFlowSink sink = new BackgroundFlowSink(counting, "test-writer", 7, 2)) {
      for (long i = 1; i <= 1000; i++) {
        sink.accept(record(i));
      }
      sink.flush(); // 1000 is not a multiple of 7: the partial batch must go too
      assertEquals(1000, target.records().size());
      assertEquals(1, delegateFlushes.get());
      sink.accept(record(1001));
    }
    List<FlowRecord> records = target.records();
    assertEquals(1001, records.size());
    for (int i = 0; i < records.size(); i++) {
      assertEquals(i + 1, records.get(i).getSequence());
    }
    assertEquals(3, delegateFlushes.get(), "close: a flush, then the delegate's close (which flushes too)");
  }

  @Test
  void aFailingDelegateSurfacesOnTheCallersThread() {
    UncheckedIOException broken = new UncheckedIOException("cannot write flow record", new IOException("Broken pipe"));
    FlowSink failing = record -> {
      throw broken;
    };
    BackgroundFlowSink sink = new BackgroundFlowSink(failing, "test-writer", 4, 2);
    for (long i = 1; i <= 4; i++) {
      sink.accept(record(i));
    }
    RuntimeException thrown = assertThrows(RuntimeException.class, sink::flush);
    assertSame(broken, thrown);
    assertThrows(RuntimeException.class, () -> sink.accept(record(5)));
    assertThrows(RuntimeException.class, sink::close);
  }

  @Test
  void aSlowDelegateHoldsTheProducerBackInsteadOfLosingRecords() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    InMemoryFlowSink target = new InMemoryFlowSink();
    FlowSink slow = record -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      target.accept(record);
    };
    BackgroundFlowSink sink = new BackgroundFlowSink(slow, "test-writer", 1, 2);
    AtomicInteger accepted = new AtomicInteger();
    Thread producer = new Thread(() -> {
      for (long i = 1; i <= 10; i++) {
        sink.accept(record(i));
        accepted.incrementAndGet();
      }
    });
    producer.start();
    producer.join(500);
    assertTrue(producer.isAlive(), "the producer should wait while the writer is stuck");
    assertTrue(accepted.get() <= 4, "accepted while stuck: " + accepted.get()); // one being written, two queued, one blocked
    release.countDown();
    producer.join(TimeUnit.SECONDS.toMillis(10));
    sink.close();
    assertEquals(10, target.records().size());
  }

  @Test
  void aTickHandsOverThePartialBatchAndTicksTheDelegateWithoutEverBlocking() throws Exception {
    InMemoryFlowSink target = new InMemoryFlowSink();
    CountDownLatch ticked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    FlowSink delegate = new FlowSink() {
      @Override
      public void accept(FlowRecord record) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        target.accept(record);
      }

      @Override
      public void tick() {
        ticked.countDown();
      }
    };
    try (BackgroundFlowSink sink = new BackgroundFlowSink(delegate, "test-writer", 512, 2)) {
      release.countDown();
      sink.accept(record(1));
      sink.accept(record(2));
      sink.tick(); // two records, far from a full batch of 512
      assertTrue(ticked.await(5, TimeUnit.SECONDS), "the delegate ticked on the writer thread");
      assertEquals(2, target.records().size(), "the partial batch went over before the tick");
    }

    // A stuck writer: ticks return at once and the records wait for the next chance.
    CountDownLatch stuck = new CountDownLatch(1);
    InMemoryFlowSink later = new InMemoryFlowSink();
    FlowSink slow = record -> {
      try {
        stuck.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      later.accept(record);
    };
    BackgroundFlowSink sink = new BackgroundFlowSink(slow, "test-writer", 512, 1);
    long started = System.nanoTime();
    for (long i = 1; i <= 5; i++) {
      sink.accept(record(i));
      sink.tick();
    }
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2), "tick blocked the caller");
    stuck.countDown();
    sink.close();
    assertEquals(5, later.records().size(), "nothing lost while the ticks were skipped");
  }
}
