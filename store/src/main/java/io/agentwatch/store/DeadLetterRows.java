package io.agentwatch.store;

import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * How a {@link DeadLetter} becomes a row of {@code dead_letters} (sql/migrations/008_dead_letters.sql).
 * The raw bytes are stored as base64 text, so any reader (SQL console, CSV export) can carry them.
 */
public final class DeadLetterRows {

  public static final String TABLE = "dead_letters";

  public static final List<String> COLUMNS = List.of(
      "time", "sensor_id", "sequence", "topic", "partition", "offset", "stage", "reason", "raw");

  private DeadLetterRows() {}

  /** Appends one row; the order matches {@link #COLUMNS}. */
  public static void encode(RowBinaryWriter out, DeadLetter letter) {
    out.dateTime64(Instant.ofEpochMilli(letter.timeMillis()), 3)
        .lowCardinalityString(letter.sensorId())
        .uint64(letter.sequence())
        .lowCardinalityString(letter.topic())
        .int32(letter.partition())
        .int64(letter.offset())
        .lowCardinalityString(letter.stage())
        .string(letter.reason())
        .string(Base64.getEncoder().encodeToString(letter.raw()));
  }
}
