package io.agentwatch.jobs.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ResentRecordFilterTest {

  private static final long T0 = 1_790_000_000_000L;

  @Test
  void aResentCopyOfASequenceAlreadySeenIsDroppedAndTheRestOfTheResendIsKept() {
    ResentRecordFilter filter = new ResentRecordFilter();
    for (long sequence = 1; sequence <= 10; sequence++) {
      assertTrue(filter.keep("s1", "laptop-7", sequence, T0, false));
    }
    // The producer failed after 10 reached the broker and 8..12 were unacknowledged: 8..12 come again.
    assertFalse(filter.keep("s1", "laptop-7", 8, T0, true));
    assertFalse(filter.keep("s1", "laptop-7", 10, T0, true));
    assertTrue(filter.keep("s1", "laptop-7", 11, T0, true), "never arrived before");
    assertTrue(filter.keep("s1", "laptop-7", 12, T0, true));
    assertTrue(filter.keep("s1", "laptop-7", 13, T0, false));
  }

  @Test
  void sequencesAreTrackedPerSensorAndHost() {
    ResentRecordFilter filter = new ResentRecordFilter();
    assertTrue(filter.keep("s1", "laptop-7", 50, T0, false));
    assertTrue(filter.keep("s1", "laptop-8", 20, T0, true), "another host of the same sensor: nothing seen yet");
    assertTrue(filter.keep("s2", "laptop-7", 30, T0, true), "another sensor");
    assertFalse(filter.keep("s1", "laptop-7", 50, T0, true));
  }

  @Test
  void unmarkedRecordsAreNeverDroppedAndResetTheSequenceOfASensorThatStartsAgain() {
    ResentRecordFilter filter = new ResentRecordFilter();
    assertTrue(filter.keep("s1", "laptop-7", 1_000, T0, false));
    assertTrue(filter.keep("s1", "laptop-7", 1_000, T0, false), "no mark: kept even though the sequence repeats");
    // The sensor lost its spool and counts from 1 again; its own re-sends later are judged from there.
    assertTrue(filter.keep("s1", "laptop-7", 1, T0, false));
    assertTrue(filter.keep("s1", "laptop-7", 2, T0, false));
    assertFalse(filter.keep("s1", "laptop-7", 2, T0, true));
    assertTrue(filter.keep("s1", "laptop-7", 3, T0, true));
  }

  @Test
  void restoredEntriesFromSeveralSubtasksKeepTheNewest() {
    ResentRecordFilter before = new ResentRecordFilter();
    before.keep("s1", "laptop-7", 40, T0, false);
    Map<String, ResentRecordFilter.Entry> checkpoint = before.snapshot();
    ResentRecordFilter after = new ResentRecordFilter();
    checkpoint.forEach(after::restore);
    after.restore(ResentRecordFilter.key("s1", "laptop-7"), new ResentRecordFilter.Entry(25, T0 - 60_000));
    assertEquals(1, after.size());
    assertFalse(after.keep("s1", "laptop-7", 40, T0, true));
    assertTrue(after.keep("s1", "laptop-7", 41, T0, true));
  }

  @Test
  void hostsSilentForLongerThanTheRetentionAreForgottenAtTheNextCheckpoint() {
    ResentRecordFilter filter = new ResentRecordFilter();
    assertTrue(filter.keep("s1", "10.0.0.9", 7, T0, false));
    assertTrue(filter.keep("s1", "laptop-7", 100, T0 + ResentRecordFilter.RETENTION.toMillis() + 1, false));
    assertEquals(2, filter.size());
    Map<String, ResentRecordFilter.Entry> checkpoint = filter.snapshot();
    assertEquals(1, filter.size());
    assertEquals(Map.of(ResentRecordFilter.key("s1", "laptop-7"), new ResentRecordFilter.Entry(100, T0 + ResentRecordFilter.RETENTION.toMillis() + 1)),
        checkpoint);
    assertTrue(filter.keep("s1", "10.0.0.9", 7, T0, true), "forgotten: a late copy is kept rather than guessed at");
  }
}
