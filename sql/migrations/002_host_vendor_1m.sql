-- Traffic of one host to one AI vendor per minute (schemas/avro/HostVendorWindow.avsc), written by
-- the aggregation job through io.agentwatch.store.HostVendorWindowRows.
--
-- SummingMergeTree: a late update of a window is inserted as another row and merges add it to the
-- window's row (max_upload keeps the larger value). Merges happen whenever they happen, so read
-- with sum()/max() ... GROUP BY, never the raw rows (see sql/queries/host_totals.sql).
CREATE TABLE IF NOT EXISTS host_vendor_1m
(
    host          LowCardinality(String),
    vendor        LowCardinality(String),
    window_start  DateTime('UTC'),
    bytes_up      UInt64,
    bytes_down    UInt64,
    packets_up    UInt64,
    packets_down  UInt64,
    flows         UInt64,
    max_upload    SimpleAggregateFunction(max, UInt64),
    -- Retention counts from arrival (see 001_flows.sql). Not part of the sorting key, so merged
    -- rows keep one of the arrival times: a window updated late lives a little longer, never shorter.
    ingested_at   SimpleAggregateFunction(max, DateTime('UTC')) DEFAULT now()
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (host, vendor, window_start)
TTL ingested_at + INTERVAL 1 YEAR;
