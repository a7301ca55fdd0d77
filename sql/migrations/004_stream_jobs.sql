-- Tables of the stream jobs (issue 6): per host × vendor × service minutes, late flows, alerts;
-- and insert deduplication on every table the jobs write.
--
-- Exactly-once into ClickHouse: the Flink sink writes each checkpoint's rows with a
-- deterministic insert_deduplication_token; a job restored from a checkpoint re-sends the same
-- batches with the same tokens and the engine drops them. On a non-replicated MergeTree that needs
-- non_replicated_deduplication_window > 0 (the number of recent insert blocks remembered per
-- table; checked on chDB 26.7). Replicated tables deduplicate by default.
ALTER TABLE flows MODIFY SETTING non_replicated_deduplication_window = 10000;

-- Traffic of one host to one AI vendor's service per minute (schemas/avro/HostVendorWindow.avsc),
-- written by the aggregation job through io.agentwatch.store.HostVendorWindowRows. Supersedes
-- host_vendor_1m (002), which the job no longer writes.
--
-- ReplacingMergeTree(flows): with allowed lateness a window fires again for each late record,
-- carrying the window's complete, updated totals; the row with the most flow records is the
-- newest state of its window, so merges keep it. distinct_destinations is exact for the window
-- (counted in the job), which a summing engine could not merge. Read with FINAL (or argMax by
-- flows), never raw rows: see sql/queries/host_totals.sql.
CREATE TABLE IF NOT EXISTS host_vendor_service_1m
(
    host                  LowCardinality(String),
    vendor                LowCardinality(String),
    service               LowCardinality(String),
    window_start          DateTime('UTC'),
    bytes_up              UInt64,
    bytes_down            UInt64,
    packets_up            UInt64,
    packets_down          UInt64,
    flows                 UInt64,
    distinct_destinations UInt32,
    max_upload            UInt64,
    -- Retention counts from arrival (see 001_flows.sql).
    ingested_at           DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree(flows)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (host, vendor, service, window_start)
TTL ingested_at + INTERVAL 1 YEAR
SETTINGS non_replicated_deduplication_window = 10000;

-- Flow records that arrived after their window had closed for good (later than the job's allowed
-- lateness): they are in flows like every record, but missing from host_vendor_service_1m. One row
-- per such record, so a reader can see how much the aggregates undercount and where.
CREATE TABLE IF NOT EXISTS late_flows
(
    sensor_id     LowCardinality(String),
    sequence      UInt64,
    host          LowCardinality(String),
    vendor        LowCardinality(String),
    service       LowCardinality(String),
    dst_ip        IPv6,
    last_seen     DateTime64(6, 'UTC'),
    window_start  DateTime('UTC'),
    bytes_up      UInt64,
    bytes_down    UInt64,
    ingested_at   DateTime('UTC') DEFAULT now()
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(last_seen)
ORDER BY (host, vendor, last_seen)
TTL ingested_at + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- Exposure alerts of the detection job (schemas/avro/ExposureAlert.avsc), the same records as on
-- the Kafka topic alerts. alert_id is deterministic (detector, host, vendor, service, window), so
-- a replayed alert replaces itself.
CREATE TABLE IF NOT EXISTS alerts
(
    alert_id      String,
    detector      LowCardinality(String),
    host          LowCardinality(String),
    vendor        LowCardinality(String),
    service       LowCardinality(String),
    window_start  DateTime('UTC'),
    window_end    DateTime('UTC'),
    observed      Float64,
    baseline      Float64,
    score         Float64,
    top_flows     Array(String),
    reason        String,
    ingested_at   DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(window_start)
ORDER BY (host, detector, vendor, service, window_start)
TTL ingested_at + INTERVAL 1 YEAR
SETTINGS non_replicated_deduplication_window = 10000;
