-- Rollups of flows per host × team × owner × vendor × service at 1 minute, 1 hour and 1 day
-- (flow_totals_1m, _1h, _1d), and flow_totals_raw, a view of flows with the same columns: the
-- tiers a named query chooses from (`-- @rollup`, see sql/README.md). The same figures at four
-- resolutions; a query reads the coarsest one whose buckets its range and bucket width align to.
--
-- Fed by materialized views on flows, not on host_vendor_service_1m: the job re-emits a window of
-- that table with its complete totals when a late record arrives (ReplacingMergeTree), so a view
-- on it would count the window twice. flows gets each record exactly once: the sink's insert
-- deduplication token drops a re-sent batch before the views see it (checked on chDB 26.7 by
-- FlowTotalsTest). Records later than the job's allowed lateness are in flows, so they are here,
-- unlike in host_vendor_service_1m.
--
-- A bucket is the record's last_seen (its event time, as in the job). host_team and host_owner
-- come with each record, so per-team figures need no join on flows; category is the service's
-- (one per service, so it adds no rows). SummingMergeTree: rows of one
-- key add up when parts merge, so read with sum() / min() / max() ... GROUP BY, never single rows.
-- Every column but the key is a sum, or the SimpleAggregateFunction it names. The key starts with
-- window_start: most panels read the whole fleet over a range, which then reads only that range's
-- granules, not its partitions' (measured in BENCHMARKS.md, Store: a host-first key made a 1-day
-- range on the daily tier slower than on flows, which is partitioned by day). The views name
-- flows' columns as flows.x: an unqualified name would be the alias of the same name (the sum).
-- Retention counts from arrival (see 001_flows.sql); the TTLs are the defaults of the store's
-- retention settings, which replace them at start (io.agentwatch.store.Retention).
CREATE TABLE IF NOT EXISTS flow_totals_1m
(
    host          LowCardinality(String),
    host_team     LowCardinality(String),
    host_owner    LowCardinality(String),
    vendor        LowCardinality(String),
    service       LowCardinality(String),
    category      LowCardinality(String),
    window_start  DateTime('UTC'),
    bytes_up      UInt64,
    bytes_down    UInt64,
    packets_up    UInt64,
    packets_down  UInt64,
    flows         UInt64,
    max_upload    SimpleAggregateFunction(max, UInt64),
    first_seen    SimpleAggregateFunction(min, DateTime64(6, 'UTC')),
    last_seen     SimpleAggregateFunction(max, DateTime64(6, 'UTC')),
    ingested_at   SimpleAggregateFunction(max, DateTime('UTC'))
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (window_start, host, vendor, service, category, host_team, host_owner)
TTL ingested_at + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS flow_totals_1h AS flow_totals_1m
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(window_start)
ORDER BY (window_start, host, vendor, service, category, host_team, host_owner)
TTL ingested_at + INTERVAL 365 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS flow_totals_1d AS flow_totals_1m
ENGINE = SummingMergeTree
PARTITION BY toYear(window_start)
ORDER BY (window_start, host, vendor, service, category, host_team, host_owner)
TTL ingested_at + INTERVAL 1095 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS flow_totals_1m_mv TO flow_totals_1m AS
SELECT host, host_team, host_owner, vendor, service, category,
       toStartOfMinute(toDateTime(flows.last_seen, 'UTC')) AS window_start,
       sum(flows.bytes_up) AS bytes_up, sum(flows.bytes_down) AS bytes_down,
       sum(flows.packets_up) AS packets_up, sum(flows.packets_down) AS packets_down, count() AS flows,
       max(flows.bytes_up) AS max_upload, min(flows.first_seen) AS first_seen, max(flows.last_seen) AS last_seen,
       max(flows.ingested_at) AS ingested_at
FROM flows
GROUP BY host, host_team, host_owner, vendor, service, category, window_start;

CREATE MATERIALIZED VIEW IF NOT EXISTS flow_totals_1h_mv TO flow_totals_1h AS
SELECT host, host_team, host_owner, vendor, service, category,
       toStartOfHour(toDateTime(flows.last_seen, 'UTC')) AS window_start,
       sum(flows.bytes_up) AS bytes_up, sum(flows.bytes_down) AS bytes_down,
       sum(flows.packets_up) AS packets_up, sum(flows.packets_down) AS packets_down, count() AS flows,
       max(flows.bytes_up) AS max_upload, min(flows.first_seen) AS first_seen, max(flows.last_seen) AS last_seen,
       max(flows.ingested_at) AS ingested_at
FROM flows
GROUP BY host, host_team, host_owner, vendor, service, category, window_start;

CREATE MATERIALIZED VIEW IF NOT EXISTS flow_totals_1d_mv TO flow_totals_1d AS
SELECT host, host_team, host_owner, vendor, service, category,
       toStartOfDay(toDateTime(flows.last_seen, 'UTC')) AS window_start,
       sum(flows.bytes_up) AS bytes_up, sum(flows.bytes_down) AS bytes_down,
       sum(flows.packets_up) AS packets_up, sum(flows.packets_down) AS packets_down, count() AS flows,
       max(flows.bytes_up) AS max_upload, min(flows.first_seen) AS first_seen, max(flows.last_seen) AS last_seen,
       max(flows.ingested_at) AS ingested_at
FROM flows
GROUP BY host, host_team, host_owner, vendor, service, category, window_start;

-- The finest tier: flows itself, one record a row, in the rollups' columns. window_start is
-- last_seen to the second, which selects the same records as last_seen for whole-second bounds.
CREATE VIEW IF NOT EXISTS flow_totals_raw AS
SELECT host, host_team, host_owner, vendor, service, category,
       toDateTime(last_seen, 'UTC') AS window_start,
       bytes_up, bytes_down, packets_up, packets_down, toUInt64(1) AS flows,
       bytes_up AS max_upload, first_seen, last_seen, ingested_at
FROM flows;

-- First and last contact of each host with each vendor over all stored history (hosts new to a
-- vendor: new_vendor_pairs), one row per host × vendor × team after merges instead of a scan of
-- every day (team in the key: a query for one team sees that team's contacts, as on flows). Kept
-- as long as the daily tier.
CREATE TABLE IF NOT EXISTS host_vendor_contact
(
    host          LowCardinality(String),
    vendor        LowCardinality(String),
    host_team     LowCardinality(String),
    first_seen    SimpleAggregateFunction(min, DateTime64(6, 'UTC')),
    last_seen     SimpleAggregateFunction(max, DateTime64(6, 'UTC')),
    ingested_at   SimpleAggregateFunction(max, DateTime('UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY (host, vendor, host_team)
TTL ingested_at + INTERVAL 1095 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS host_vendor_contact_mv TO host_vendor_contact AS
SELECT host, vendor, host_team, min(flows.first_seen) AS first_seen,
       max(flows.last_seen) AS last_seen, max(flows.ingested_at) AS ingested_at
FROM flows
WHERE vendor != ''
GROUP BY host, vendor, host_team;
