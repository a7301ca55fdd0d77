package io.agentwatch.capture.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpoolTest {

  private static final long MB = 1 << 20;

  @TempDir Path dir;

  @Test
  void recordsComeBackInOrderWithTheirKeysAndValues() throws Exception {
    try (DiskSpool spool = DiskSpool.open(dir, 64 * MB, 16 * MB)) {
      for (long seq = 1; seq <= 5000; seq++) {
        spool.append(seq, key(seq), value(seq));
      }
      for (long seq = 1; seq <= 5000; seq++) {
        SpoolEntry entry = spool.next(0, TimeUnit.MILLISECONDS);
        assertEquals(seq, entry.sequence());
        assertArrayEquals(key(seq), entry.key());
        assertArrayEquals(value(seq), entry.value());
        spool.acknowledge(entry);
      }
      assertNull(spool.next(0, TimeUnit.MILLISECONDS));
      SpoolStats stats = spool.stats();
      assertEquals(5000, stats.appended());
      assertEquals(5000, stats.acknowledged());
      assertEquals(0, stats.pending());
      assertEquals(0, stats.oldestPendingMillis());
    }
  }

  @Test
  void onlyAcknowledgedPrefixIsForgottenAcrossARestart() throws Exception {
    List<SpoolEntry> handedOut = new ArrayList<>();
    try (DiskSpool spool = DiskSpool.open(dir, 4 * MB, 64 * 1024)) {
      for (long seq = 1; seq <= 3000; seq++) {
        spool.append(seq, key(seq), value(seq));
      }
      for (int i = 0; i < 2000; i++) {
        handedOut.add(spool.next(0, TimeUnit.MILLISECONDS));
      }
      // Kafka acknowledges partitions independently: 1..1000 and then every even one up to 2000.
      for (SpoolEntry entry : handedOut) {
        if (entry.sequence() <= 1000 || entry.sequence() % 2 == 0) {
          spool.acknowledge(entry);
        }
      }
      assertEquals(3000 - 1000 - 500, spool.stats().pending());
    }
    try (DiskSpool spool = DiskSpool.open(dir, 4 * MB, 64 * 1024)) {
      // Everything from the oldest unacknowledged record (1001) is sent again: at least once.
      assertEquals(2000, spool.stats().recovered());
      assertEquals(3000, spool.lastSequence());
      assertEquals(List.of(1001L, 1002L, 1003L), sequences(spool, 3));
    }
  }

  @Test
  void rewindHandsOutUnacknowledgedRecordsAgainAndIgnoresStaleAcknowledgements() throws Exception {
    try (DiskSpool spool = DiskSpool.open(dir, 4 * MB, 64 * 1024)) {
      for (long seq = 1; seq <= 10; seq++) {
        spool.append(seq, key(seq), value(seq));
      }
      SpoolEntry first = spool.next(0, TimeUnit.MILLISECONDS);
      SpoolEntry second = spool.next(0, TimeUnit.MILLISECONDS);
      spool.acknowledge(first);
      spool.rewind();
      spool.acknowledge(second); // from the producer that was replaced: must not count
      assertEquals(9, spool.stats().pending());
      assertEquals(List.of(2L, 3L, 4L), sequences(spool, 3));
    }
  }

  @Test
  void fullSpoolDropsTheOldestUnsentRecordsAndCountsExactlyThose() throws Exception {
    List<Long> received = new ArrayList<>();
    long dropped;
    try (DiskSpool spool = DiskSpool.open(dir, 256 * 1024, 64 * 1024)) {
      // 100 records go out and stay unacknowledged (the producer has them), then the broker is away.
      for (long seq = 1; seq <= 100; seq++) {
        spool.append(seq, key(seq), value(seq));
      }
      List<SpoolEntry> inFlight = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        inFlight.add(spool.next(0, TimeUnit.MILLISECONDS));
      }
      for (long seq = 101; seq <= 20_000; seq++) {
        spool.append(seq, key(seq), value(seq));
      }
      SpoolStats full = spool.stats();
      dropped = full.dropped();
      assertTrue(dropped > 10_000, "expected drops, stats " + full);
      assertTrue(full.bytes() <= 256 * 1024 + 2 * 64 * 1024, "spool grew past its limit: " + full);
      // The broker is back: the in-flight ones arrive, then whatever the spool kept.
      for (SpoolEntry entry : inFlight) {
        received.add(entry.sequence());
        spool.acknowledge(entry);
      }
      SpoolEntry entry;
      while ((entry = spool.next(0, TimeUnit.MILLISECONDS)) != null) {
        received.add(entry.sequence());
        spool.acknowledge(entry);
      }
      assertEquals(0, spool.stats().pending());
    }
    assertEquals(received.stream().distinct().count(), received.size(), "a record came twice");
    assertEquals(new ArrayList<>(received).stream().sorted().toList(), received, "out of order");
    assertEquals(20_000 - received.size(), dropped, "dropped count differs from the gap in sequences");
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.filter(p -> p.toString().endsWith(".seg")).count() <= 2, "acknowledged segments were kept");
    }
  }

  @Test
  void aWriteCutShortByACrashIsCutOffAndTheRestKept() throws Exception {
    try (DiskSpool spool = DiskSpool.open(dir, 4 * MB, 1 * MB)) {
      for (long seq = 1; seq <= 100; seq++) {
        spool.append(seq, key(seq), value(seq));
      }
    }
    Path segment;
    try (Stream<Path> files = Files.list(dir)) {
      segment = files.filter(p -> p.toString().endsWith(".seg")).sorted(Collections.reverseOrder())
          .filter(p -> p.toFile().length() > 0).findFirst().orElseThrow();
    }
    long size = Files.size(segment);
    try (var channel = java.nio.channels.FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(size - 7);
    }
    try (DiskSpool spool = DiskSpool.open(dir, 4 * MB, 1 * MB)) {
      assertEquals(99, spool.stats().recovered());
      List<Long> got = sequences(spool, 99);
      assertEquals(1L, got.get(0));
      assertEquals(99L, got.get(98));
      spool.append(100, key(100), value(100));
      assertEquals(100L, spool.next(0, TimeUnit.MILLISECONDS).sequence());
    }
  }

  @Test
  void aCorruptByteInsideAnEntryIsDetected() throws Exception {
    try (DiskSpool spool = DiskSpool.open(dir, 4 * MB, 1 * MB)) {
      for (long seq = 1; seq <= 10; seq++) {
        spool.append(seq, key(seq), value(seq));
      }
    }
    Path segment;
    try (Stream<Path> files = Files.list(dir)) {
      segment = files.filter(p -> p.toString().endsWith(".seg")).filter(p -> p.toFile().length() > 0).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(segment);
    int entry = bytes.length / 10;
    bytes[5 * entry + 30] ^= 0x40; // inside the sixth entry
    Files.write(segment, bytes);
    try (DiskSpool spool = DiskSpool.open(dir, 4 * MB, 1 * MB)) {
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L), sequences(spool, 10));
    }
  }

  @Test
  void aWaitingSenderWakesWhenARecordArrives() throws Exception {
    try (DiskSpool spool = DiskSpool.open(dir, 4 * MB, 1 * MB)) {
      Thread writer = new Thread(() -> {
        sleep(200);
        spool.append(1, key(1), value(1));
      });
      writer.start();
      SpoolEntry entry = spool.next(10, TimeUnit.SECONDS);
      writer.join();
      assertEquals(1, entry.sequence());
      assertTrue(spool.stats().oldestPendingMillis() > 0);
    }
  }

  @Test
  void randomInterleavingOfWritesReadsAcksRewindsAndRestartsLosesNothing() throws Exception {
    Random random = new Random(42);
    long nextSequence = 1;
    java.util.Set<Long> acknowledged = new java.util.HashSet<>();
    for (int run = 0; run < 5; run++) {
      try (DiskSpool spool = DiskSpool.open(dir, 64 * MB, 32 * 1024)) {
        List<SpoolEntry> outstanding = new ArrayList<>();
        for (int step = 0; step < 5000; step++) {
          int action = random.nextInt(10);
          if (action < 4) {
            spool.append(nextSequence, key(nextSequence), value(nextSequence));
            nextSequence++;
          } else if (action < 7) {
            SpoolEntry entry = spool.next(0, TimeUnit.MILLISECONDS);
            if (entry != null) {
              outstanding.add(entry);
            }
          } else if (action < 9 && !outstanding.isEmpty()) {
            SpoolEntry entry = outstanding.remove(random.nextInt(outstanding.size()));
            spool.acknowledge(entry);
            acknowledged.add(entry.sequence());
          } else if (random.nextInt(20) == 0) {
            spool.rewind();
            outstanding.clear();
          }
        }
      }
    }
    try (DiskSpool spool = DiskSpool.open(dir, 64 * MB, 32 * 1024)) {
      SpoolEntry entry;
      while ((entry = spool.next(0, TimeUnit.MILLISECONDS)) != null) {
        acknowledged.add(entry.sequence());
        spool.acknowledge(entry);
      }
      assertEquals(0, spool.stats().dropped());
    }
    for (long seq = 1; seq < nextSequence; seq++) {
      assertTrue(acknowledged.contains(seq), "sequence " + seq + " was lost");
    }
  }

  private static List<Long> sequences(DiskSpool spool, int count) throws InterruptedException {
    List<Long> sequences = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SpoolEntry entry = spool.next(0, TimeUnit.MILLISECONDS);
      if (entry == null) {
        break;
      }
      sequences.add(entry.sequence());
    }
    return sequences;
  }

  private static byte[] key(long seq) {
    return ("host-" + (seq % 7)).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(long seq) {
    byte[] value = new byte[100 + (int) (seq % 50)];
    new Random(seq).nextBytes(value);
    return value;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
