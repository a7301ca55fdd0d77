-- Rollups shaped for the console's per-host panels (issue 14): per host × team and hour
-- (host_rollup_1h) or day (_1d), the vendors and services folded into one map of bytes up per
-- 'vendor/service' (service_up). top_hosts and host_exposure rank the hosts on them through
-- {host_rollup:Rollup} (sql/README.md), then read flow_totals for the shown hosts only.
-- flow_totals_* key a row per host × vendor × service × team × owner: a month of a fleet's
-- hosts is 1.8 M rows of the daily tier at 30 000 hosts, grouped on two LowCardinality keys
-- (host, vendor), which cost 5 times a group on host alone (BENCHMARKS.md, Console queries at 100 M
-- rows); these have a row per host and bucket, half as many, grouped on host alone.
--
-- Only flows to identified vendors (vendor != ''): every per-host panel counts those only.
-- SummingMergeTree sums the numbers and the map (per key) of rows with one key when parts merge:
-- read with sum() ... GROUP BY. Fed from flows like flow_totals (each record once; a re-sent
-- tokened batch is dropped here too: non_replicated_deduplication_window). The views and the fill
-- name their source's columns as flows.x, t.x: an unqualified name would be the alias of the same
-- name (the sum).
-- TTLs are the defaults of the hour and day tiers; the store's retention settings replace them at
-- start (io.agentwatch.store.Retention).
--
-- host_rollup_1m and host_rollup_raw are views, a row per row of flow_totals_1m and flows: a range
-- of whole minutes is at most hours long, which flow_totals_1m answers quickly enough (BENCHMARKS.md).
--
-- Existing rows: the two tables are filled once, while empty, from flow_totals_1h and _1d (the same
-- sums over the same records, 40 times fewer rows to read than flows), before their views exist.
-- Run the migration while nothing writes flows (as `up` and the job do, before they start).
CREATE TABLE IF NOT EXISTS host_rollup_1h
(
    window_start  DateTime('UTC'),
    host          LowCardinality(String),
    host_team     LowCardinality(String),
    bytes_up      UInt64,
    bytes_down    UInt64,
    flows         UInt64,
    service_up    Map(LowCardinality(String), UInt64),
    ingested_at   SimpleAggregateFunction(max, DateTime('UTC'))
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(window_start)
ORDER BY (window_start, host, host_team)
TTL ingested_at + INTERVAL 365 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS host_rollup_1d AS host_rollup_1h
ENGINE = SummingMergeTree
PARTITION BY toYear(window_start)
ORDER BY (window_start, host, host_team)
TTL ingested_at + INTERVAL 1095 DAY
SETTINGS non_replicated_deduplication_window = 10000;

INSERT INTO host_rollup_1h
SELECT window_start, host, host_team, sum(t.bytes_up) AS bytes_up, sum(t.bytes_down) AS bytes_down, sum(t.flows) AS flows,
       sumMap(map(t.vendor || '/' || t.service, t.bytes_up)) AS service_up, max(t.ingested_at) AS ingested_at
FROM flow_totals_1h AS t
WHERE t.vendor != '' AND (SELECT count() FROM host_rollup_1h) = 0
GROUP BY window_start, host, host_team;

INSERT INTO host_rollup_1d
SELECT window_start, host, host_team, sum(t.bytes_up) AS bytes_up, sum(t.bytes_down) AS bytes_down, sum(t.flows) AS flows,
       sumMap(map(t.vendor || '/' || t.service, t.bytes_up)) AS service_up, max(t.ingested_at) AS ingested_at
FROM flow_totals_1d AS t
WHERE t.vendor != '' AND (SELECT count() FROM host_rollup_1d) = 0
GROUP BY window_start, host, host_team;

CREATE MATERIALIZED VIEW IF NOT EXISTS host_rollup_1h_mv TO host_rollup_1h AS
SELECT toStartOfHour(toDateTime(flows.last_seen, 'UTC')) AS window_start, host, host_team,
       sum(flows.bytes_up) AS bytes_up, sum(flows.bytes_down) AS bytes_down, count() AS flows,
       sumMap(map(flows.vendor || '/' || flows.service, flows.bytes_up)) AS service_up, max(flows.ingested_at) AS ingested_at
FROM flows
WHERE vendor != ''
GROUP BY window_start, host, host_team;

CREATE MATERIALIZED VIEW IF NOT EXISTS host_rollup_1d_mv TO host_rollup_1d AS
SELECT toStartOfDay(toDateTime(flows.last_seen, 'UTC')) AS window_start, host, host_team,
       sum(flows.bytes_up) AS bytes_up, sum(flows.bytes_down) AS bytes_down, count() AS flows,
       sumMap(map(flows.vendor || '/' || flows.service, flows.bytes_up)) AS service_up, max(flows.ingested_at) AS ingested_at
FROM flows
WHERE vendor != ''
GROUP BY window_start, host, host_team;

CREATE VIEW IF NOT EXISTS host_rollup_1m AS
SELECT window_start, host, host_team, bytes_up, bytes_down, flows,
       map(toString(vendor) || '/' || toString(service), bytes_up) AS service_up, ingested_at
FROM flow_totals_1m
WHERE vendor != '';

CREATE VIEW IF NOT EXISTS host_rollup_raw AS
SELECT toDateTime(last_seen, 'UTC') AS window_start, host, host_team, bytes_up, bytes_down, toUInt64(1) AS flows,
       map(vendor || '/' || service, bytes_up) AS service_up, ingested_at
FROM flows
WHERE vendor != ''
