-- Records the stream job could not decode (bad magic, unknown schema fingerprint, truncated Avro)
-- or could not encode into a row (a value the column refuses), kept instead of stopping the job.
-- Written through the same exactly-once sink as the other tables (io.agentwatch.store.DeadLetterRows).
--
-- sensor_id and sequence are what could be read from the message ('' and 0 when nothing could);
-- topic/partition/offset say where it was on Kafka ('' and -1 when it failed after the source);
-- stage is 'decode' or 'encode <table>'; raw is the message (decode) or the record's text
-- (encode), base64, so a reader can take it apart with base64Decode().
CREATE TABLE IF NOT EXISTS dead_letters
(
    time          DateTime64(3, 'UTC'),
    sensor_id     LowCardinality(String),
    sequence      UInt64,
    topic         LowCardinality(String),
    partition     Int32,
    offset        Int64,
    stage         LowCardinality(String),
    reason        String,
    raw           String,
    ingested_at   DateTime('UTC') DEFAULT now()
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (stage, sensor_id, time)
TTL ingested_at + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000;
