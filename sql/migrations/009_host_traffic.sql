-- Per-host per-minute totals of the traffic a sensor does not send as flow records (export.scope:
-- ai, the sensor service's default; schemas/avro/HostTrafficMinute.avsc), written by the stream
-- job through io.agentwatch.store.HostTrafficRows. With the AI vendors' bytes of
-- host_vendor_service_1m they give the share of a host's upload that goes to AI vendors
-- (sql/queries/host_ai_upload_share.sql). No endpoint addresses, ports or names: the sensor keeps them.
--
-- One row per message. A sensor may send several messages for one host and minute (records that
-- ended after the minute was sent), so read with sum() ... GROUP BY, never single rows.
-- ReplacingMergeTree keyed by the message's (sensor_id, sequence): a copy a sensor sent again after
-- a producer failure (Kafka header agentwatch-resent) replaces itself instead of counting twice;
-- read with FINAL.
CREATE TABLE IF NOT EXISTS host_traffic_1m
(
    sensor_id     LowCardinality(String),
    sequence      UInt64,
    host          LowCardinality(String),
    host_owner    LowCardinality(String),
    host_team     LowCardinality(String),
    minute_start  DateTime('UTC'),
    bytes_up      UInt64,
    bytes_down    UInt64,
    packets_up    UInt64,
    packets_down  UInt64,
    flows         UInt64,
    -- Retention counts from arrival (see 001_flows.sql), as for the other per-minute tables.
    ingested_at   DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(minute_start)
ORDER BY (host, minute_start, sensor_id, sequence)
TTL ingested_at + INTERVAL 1 YEAR
SETTINGS non_replicated_deduplication_window = 10000;
