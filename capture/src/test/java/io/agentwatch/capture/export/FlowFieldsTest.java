package io.agentwatch.capture.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FlowFieldsTest {

  private static final DateTimeFormatter ISO_MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void timesAreIsoUtcWithMicrosecondsTruncated() {
    assertEquals("2015-10-20T07:09:33.614159Z", FlowFields.time(Instant.parse("2015-10-20T07:09:33.614159999Z")));
    assertEquals("1970-01-01T00:00:00.000000Z", FlowFields.time(Instant.EPOCH));
    assertEquals("1969-12-31T23:59:59.999999Z", FlowFields.time(Instant.EPOCH.minusNanos(1)));
    assertEquals("2024-02-29T23:59:59.000001Z", FlowFields.time(Instant.parse("2024-02-29T23:59:59.000001Z")));
    assertEquals("+10000-01-01T00:00:00.000000Z", FlowFields.time(Instant.parse("+10000-01-01T00:00:00Z")));
    assertNull(FlowFields.time(null));
  }

  @Test
  void timesAgreeWithTheJavaFormatterOverFourCenturies() {
    SplittableRandom random = new SplittableRandom(42);
    long from = Instant.parse("1800-01-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("2200-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextLong(from, to), random.nextInt(1_000_000_000));
      assertEquals(ISO_MICROS.format(instant), FlowFields.time(instant), instant.toString());
    }
  }
}
