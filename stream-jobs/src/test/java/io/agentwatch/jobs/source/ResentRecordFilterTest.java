package io.agentwatch.jobs.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ResentRecordFilterTest {

  @Test
  void aResentCopyOfASequenceAlreadySeenIsDroppedAndTheRestOfTheResendIsKept() {
    ResentRecordFilter filter = new ResentRecordFilter();
    for (long sequence = 1; sequence <= 10; sequence++) {
      assertTrue(filter.keep("s1", "laptop-7", sequence, false));
    }
    // The producer failed after 10 reached the broker and 8..12 were unacknowledged: 8..12 come again.
    assertFalse(filter.keep("s1", "laptop-7", 8, true));
    assertFalse(filter.keep("s1", "laptop-7", 10, true));
    assertTrue(filter.keep("s1", "laptop-7", 11, true), "never arrived before");
    assertTrue(filter.keep("s1", "laptop-7", 12, true));
    assertTrue(filter.keep("s1", "laptop-7", 13, false));
  }

  @Test
  void sequencesAreTrackedPerSensorAndHost() {
    ResentRecordFilter filter = new ResentRecordFilter();
    assertTrue(filter.keep("s1", "laptop-7", 50, false));
    assertTrue(filter.keep("s1", "laptop-8", 20, true), "another host of the same sensor: nothing seen yet");
    assertTrue(filter.keep("s2", "laptop-7", 30, true), "another sensor");
    assertFalse(filter.keep("s1", "laptop-7", 50, true));
  }

  @Test
  void unmarkedRecordsAreNeverDroppedAndResetTheSequenceOfASensorThatStartsAgain() {
    ResentRecordFilter filter = new ResentRecordFilter();
    assertTrue(filter.keep("s1", "laptop-7", 1_000, false));
    assertTrue(filter.keep("s1", "laptop-7", 1_000, false), "no mark: kept even though the sequence repeats");
    // The sensor lost its spool and counts from 1 again; its own re-sends later are judged from there.
    assertTrue(filter.keep("s1", "laptop-7", 1, false));
    assertTrue(filter.keep("s1", "laptop-7", 2, false));
    assertFalse(filter.keep("s1", "laptop-7", 2, true));
    assertTrue(filter.keep("s1", "laptop-7", 3, true));
  }

  @Test
  void restoredEntriesFromSeveralSubtasksKeepTheHighestSequence() {
    ResentRecordFilter before = new ResentRecordFilter();
    before.keep("s1", "laptop-7", 40, false);
    Map<String, Long> checkpoint = before.snapshot();
    ResentRecordFilter after = new ResentRecordFilter();
    checkpoint.forEach(after::restore);
    after.restore(ResentRecordFilter.key("s1", "laptop-7"), 25);
    assertEquals(1, after.size());
    assertFalse(after.keep("s1", "laptop-7", 40, true));
    assertTrue(after.keep("s1", "laptop-7", 41, true));
  }
}
