package io.agentwatch.jobs.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic of a record's parts at the edges the job's test does not reach: counts near the
 * top of a long and records lasting weeks, where {@code total · elapsed} overflows 64 bits.
 */
class SpreadOverWindowsTest {

  @Test
  void aShareIsTheFloorOfTheExactProportionWithoutOverflow() {
    Random random = new Random(15);
    for (int i = 0; i < 100_000; i++) {
      long total = random.nextLong(Long.MAX_VALUE);
      long duration = 1 + random.nextLong(Integer.MAX_VALUE);
      long elapsed = random.nextLong(duration + 1);
      long exact = BigInteger.valueOf(total).multiply(BigInteger.valueOf(elapsed))
          .divide(BigInteger.valueOf(duration)).longValueExact();
      assertEquals(exact, SpreadOverWindows.share(total, elapsed, duration), total + "·" + elapsed + "/" + duration);
    }
  }

  @Test
  void sharesOfARecordLastingWeeksGrowFromNothingToTheWholeCount() {
    long total = Long.MAX_VALUE - 7;
    long duration = 40L * 86_400_000L; // 40 days of milliseconds: beyond 31 bits
    long previous = 0;
    for (long elapsed = 0; elapsed <= duration; elapsed += 60_000) {
      long share = SpreadOverWindows.share(total, elapsed, duration);
      assertTrue(share >= previous && share <= total, "share " + share + " after " + previous);
      previous = share;
    }
    assertEquals(total, SpreadOverWindows.share(total, duration, duration));
  }
}
