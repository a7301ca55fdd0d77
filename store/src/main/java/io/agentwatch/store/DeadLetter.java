package io.agentwatch.store;

/**
 * A record the stream job could not decode or could not encode into a row, kept instead of
 * stopping the job (a row of {@code dead_letters}, sql/migrations/008_dead_letters.sql).
 *
 * @param timeMillis when it was found, epoch milliseconds
 * @param sensorId the sensor that sent it, "" when it could not be read
 * @param sequence its per-sensor sequence number, 0 when it could not be read
 * @param topic the Kafka topic it came from, "" when it failed after the source
 * @param partition its Kafka partition, -1 when unknown
 * @param offset its Kafka offset, -1 when unknown
 * @param stage where it failed: {@link #DECODE}, {@code "encode <table>"} or {@code "insert <table>"}
 * @param reason what was wrong, as the failing step said it
 * @param raw the message as it came (decode), the record's text (encode) or its RowBinary row (insert)
 */
public record DeadLetter(long timeMillis, String sensorId, long sequence, String topic, int partition, long offset,
    String stage, String reason, byte[] raw) {

  /** The stage of a message that is not a flow record of a known schema version. */
  public static final String DECODE = "decode";

  /** The stage of a record whose row for {@code table} could not be encoded. */
  public static String encode(String table) {
    return "encode " + table;
  }

  /** The stage of a row {@code table} refused on insert. */
  public static String insert(String table) {
    return "insert " + table;
  }
}
