-- Rollups shaped for the console's fleet panels (issue 14): per vendor × service × category × team
-- and minute (vendor_totals_1m), hour (_1h) or day (_1d), with the distinct hosts as a uniqExact
-- state. fleet_totals, fleet_overview, top_teams, top_vendors and vendor_detail read them through
-- {vendor_totals:Rollup} (sql/README.md). flow_totals_* are keyed per host × vendor × service ×
-- team × owner: on a real fleet a host's hour holds a few records per key, so those tiers are
-- nearly as long as flows (BENCHMARKS.md, Store); these have one row per vendor × service × team
-- and bucket, whatever the number of hosts and records.
--
-- The host count: hosts keeps the set of host hashes (uniqExactState, the 128-bit hash uniqExact
-- itself uses on text), so uniqExactMerge(hosts) over any buckets and teams is exactly
-- uniqExact(host) over the records: the console's numbers do not change, only where they come from.
--
-- AggregatingMergeTree: rows of one key merge into one; read with sum() / min() / max() /
-- uniqExactMerge() ... GROUP BY. Fed from flows like flow_totals (the same reasons: each record
-- once, a re-sent tokened batch dropped: deduplicate_blocks_in_dependent_materialized_views and
-- non_replicated_deduplication_window). Every row is kept, vendor '' too (vendor_detail may ask
-- for it), as in flow_totals. The views name flows' columns as flows.x: an unqualified name would
-- be the alias of the same name. TTLs are the defaults of the minute, hour and day tiers; the store's
-- retention settings replace them at start (io.agentwatch.store.Retention).
--
-- The minute table too (a view over flow_totals_1m with a state per row was slower than the
-- records at 1 h and 24 h, BENCHMARKS.md): its rows are bounded per minute by the vendors,
-- services and teams, however fast flows arrive. vendor_totals_raw is a view of flows in the same
-- columns, a row each with its host as a state of one (a GROUP BY there would build a state per
-- second and key: 20 times slower on a week of records); it answers ranges that are not whole
-- minutes, as flow_totals_raw does.
--
-- Existing rows: the three tables are filled from flows once, while empty, before their views
-- exist (a rerun after a failure past that point finds them filled and inserts nothing). Run
-- the migration while nothing writes flows (as `up` and the job do, before they start): a
-- record inserted between the fill and the view would be missing from these tables.
CREATE TABLE IF NOT EXISTS vendor_totals_1h
(
    window_start  DateTime('UTC'),
    vendor        LowCardinality(String),
    service       LowCardinality(String),
    category      LowCardinality(String),
    host_team     LowCardinality(String),
    bytes_up      SimpleAggregateFunction(sum, UInt64),
    bytes_down    SimpleAggregateFunction(sum, UInt64),
    packets_up    SimpleAggregateFunction(sum, UInt64),
    packets_down  SimpleAggregateFunction(sum, UInt64),
    flows         SimpleAggregateFunction(sum, UInt64),
    max_upload    SimpleAggregateFunction(max, UInt64),
    first_seen    SimpleAggregateFunction(min, DateTime64(6, 'UTC')),
    last_seen     SimpleAggregateFunction(max, DateTime64(6, 'UTC')),
    ingested_at   SimpleAggregateFunction(max, DateTime('UTC')),
    hosts         AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(window_start)
ORDER BY (window_start, vendor, service, category, host_team)
TTL ingested_at + INTERVAL 365 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS vendor_totals_1m AS vendor_totals_1h
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (window_start, vendor, service, category, host_team)
TTL ingested_at + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS vendor_totals_1d AS vendor_totals_1h
ENGINE = AggregatingMergeTree
PARTITION BY toYear(window_start)
ORDER BY (window_start, vendor, service, category, host_team)
TTL ingested_at + INTERVAL 1095 DAY
SETTINGS non_replicated_deduplication_window = 10000;

INSERT INTO vendor_totals_1m
SELECT toStartOfMinute(toDateTime(flows.last_seen, 'UTC')) AS window_start, vendor, service, category, host_team,
       sum(flows.bytes_up) AS bytes_up, sum(flows.bytes_down) AS bytes_down,
       sum(flows.packets_up) AS packets_up, sum(flows.packets_down) AS packets_down, count() AS flows,
       max(flows.bytes_up) AS max_upload, min(flows.first_seen) AS first_seen, max(flows.last_seen) AS last_seen,
       max(flows.ingested_at) AS ingested_at, uniqExactState(toString(flows.host)) AS hosts
FROM flows
WHERE (SELECT count() FROM vendor_totals_1m) = 0
GROUP BY window_start, vendor, service, category, host_team;

INSERT INTO vendor_totals_1h
SELECT toStartOfHour(toDateTime(flows.last_seen, 'UTC')) AS window_start, vendor, service, category, host_team,
       sum(flows.bytes_up) AS bytes_up, sum(flows.bytes_down) AS bytes_down,
       sum(flows.packets_up) AS packets_up, sum(flows.packets_down) AS packets_down, count() AS flows,
       max(flows.bytes_up) AS max_upload, min(flows.first_seen) AS first_seen, max(flows.last_seen) AS last_seen,
       max(flows.ingested_at) AS ingested_at, uniqExactState(toString(flows.host)) AS hosts
FROM flows
WHERE (SELECT count() FROM vendor_totals_1h) = 0
GROUP BY window_start, vendor, service, category, host_team;

INSERT INTO vendor_totals_1d
SELECT toStartOfDay(toDateTime(flows.last_seen, 'UTC')) AS window_start, vendor, service, category, host_team,
       sum(flows.bytes_up) AS bytes_up, sum(flows.bytes_down) AS bytes_down,
       sum(flows.packets_up) AS packets_up, sum(flows.packets_down) AS packets_down, count() AS flows,
       max(flows.bytes_up) AS max_upload, min(flows.first_seen) AS first_seen, max(flows.last_seen) AS last_seen,
       max(flows.ingested_at) AS ingested_at, uniqExactState(toString(flows.host)) AS hosts
FROM flows
WHERE (SELECT count() FROM vendor_totals_1d) = 0
GROUP BY window_start, vendor, service, category, host_team;

CREATE MATERIALIZED VIEW IF NOT EXISTS vendor_totals_1m_mv TO vendor_totals_1m AS
SELECT toStartOfMinute(toDateTime(flows.last_seen, 'UTC')) AS window_start, vendor, service, category, host_team,
       sum(flows.bytes_up) AS bytes_up, sum(flows.bytes_down) AS bytes_down,
       sum(flows.packets_up) AS packets_up, sum(flows.packets_down) AS packets_down, count() AS flows,
       max(flows.bytes_up) AS max_upload, min(flows.first_seen) AS first_seen, max(flows.last_seen) AS last_seen,
       max(flows.ingested_at) AS ingested_at, uniqExactState(toString(flows.host)) AS hosts
FROM flows
GROUP BY window_start, vendor, service, category, host_team;

CREATE MATERIALIZED VIEW IF NOT EXISTS vendor_totals_1h_mv TO vendor_totals_1h AS
SELECT toStartOfHour(toDateTime(flows.last_seen, 'UTC')) AS window_start, vendor, service, category, host_team,
       sum(flows.bytes_up) AS bytes_up, sum(flows.bytes_down) AS bytes_down,
       sum(flows.packets_up) AS packets_up, sum(flows.packets_down) AS packets_down, count() AS flows,
       max(flows.bytes_up) AS max_upload, min(flows.first_seen) AS first_seen, max(flows.last_seen) AS last_seen,
       max(flows.ingested_at) AS ingested_at, uniqExactState(toString(flows.host)) AS hosts
FROM flows
GROUP BY window_start, vendor, service, category, host_team;

CREATE MATERIALIZED VIEW IF NOT EXISTS vendor_totals_1d_mv TO vendor_totals_1d AS
SELECT toStartOfDay(toDateTime(flows.last_seen, 'UTC')) AS window_start, vendor, service, category, host_team,
       sum(flows.bytes_up) AS bytes_up, sum(flows.bytes_down) AS bytes_down,
       sum(flows.packets_up) AS packets_up, sum(flows.packets_down) AS packets_down, count() AS flows,
       max(flows.bytes_up) AS max_upload, min(flows.first_seen) AS first_seen, max(flows.last_seen) AS last_seen,
       max(flows.ingested_at) AS ingested_at, uniqExactState(toString(flows.host)) AS hosts
FROM flows
GROUP BY window_start, vendor, service, category, host_team;

CREATE VIEW IF NOT EXISTS vendor_totals_raw AS
SELECT toDateTime(last_seen, 'UTC') AS window_start, vendor, service, category, host_team,
       bytes_up, bytes_down, packets_up, packets_down, toUInt64(1) AS flows,
       bytes_up AS max_upload, first_seen, last_seen, ingested_at, arrayReduce('uniqExactState', [toString(host)]) AS hosts
FROM flows
