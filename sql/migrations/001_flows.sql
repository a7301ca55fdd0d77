-- One row per FlowRecord (schemas/avro/FlowRecord.avsc); written by the Flink sink through
-- io.agentwatch.store.FlowRows, which lists these columns in this order.
--
-- Absent text is '' rather than NULL: vendor is part of the sort key (Nullable columns cannot be
-- without allow_nullable_key), '' groups and filters naturally (vendor != ''), and Nullable costs
-- a null map per column. Avro's null is the only "absent" the data has, so nothing is lost.
-- Addresses are IPv6 with IPv4 mapped to ::ffff:a.b.c.d (one column for both families; the
-- IPv4 text comes back with toIPv4OrNull / IPv6NumToString). Enums are text in FlowText's form
-- ('tcp', 'ip-range', 'end-of-capture').
CREATE TABLE IF NOT EXISTS flows
(
    sensor_id     LowCardinality(String),
    sequence      UInt64,
    host          LowCardinality(String),
    src_ip        IPv6,
    src_port      UInt16,
    dst_ip        IPv6,
    dst_port      UInt16,
    transport     LowCardinality(String),
    first_seen    DateTime64(6, 'UTC'),
    last_seen     DateTime64(6, 'UTC'),
    packets_up    UInt64,
    packets_down  UInt64,
    bytes_up      UInt64,
    bytes_down    UInt64,
    sni           String DEFAULT '',
    alpn          LowCardinality(String) DEFAULT '',
    ja4           LowCardinality(String) DEFAULT '',
    dns_name      String DEFAULT '',
    vendor        LowCardinality(String) DEFAULT '',
    service       LowCardinality(String) DEFAULT '',
    category      LowCardinality(String) DEFAULT '',
    identified_by LowCardinality(String),
    end_reason    LowCardinality(String),
    -- Retention counts from arrival, not from capture time: a capture from last year replayed
    -- today (forensics, tests) must not expire on insert.
    ingested_at   DateTime('UTC') DEFAULT now()
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(last_seen)
ORDER BY (host, vendor, last_seen)
TTL ingested_at + INTERVAL 90 DAY;
