-- host_rollup_1h/_1d (061) keep the host's owner (host_owner, the greatest of the bucket's, as
-- top_hosts shows it), and the views give it too, so top_hosts answers from host_rollup alone.
-- Before, it read flow_totals for the hosts it shows: every row of the range, as flow_totals' key
-- starts with the bucket (1.9 M rows of flow_totals_1d at 100 M flows rows, 30 d).
--
-- The views are made again with the column. The tables are emptied and filled again from
-- flow_totals_1h and _1d, as 063 did (the same sums and now the owner; 40 s on a 100 M-row store):
-- ClickHouse cannot update a column from another table. Run the migration while nothing writes
-- flows (as `up` and the job do, before they start): a record inserted between the empty table and
-- its fill would be counted twice. Each step can run again after a failure.
ALTER TABLE host_rollup_1h ADD COLUMN IF NOT EXISTS host_owner SimpleAggregateFunction(max, LowCardinality(String)) AFTER host_team;

ALTER TABLE host_rollup_1d ADD COLUMN IF NOT EXISTS host_owner SimpleAggregateFunction(max, LowCardinality(String)) AFTER host_team;

DROP VIEW IF EXISTS host_rollup_1h_mv;

DROP VIEW IF EXISTS host_rollup_1d_mv;

DROP VIEW IF EXISTS host_rollup_1m;

DROP VIEW IF EXISTS host_rollup_raw;

TRUNCATE TABLE host_rollup_1h;

TRUNCATE TABLE host_rollup_1d;

INSERT INTO host_rollup_1h
SELECT window_start, host, host_team, max(t.host_owner) AS host_owner, sum(t.bytes_up) AS bytes_up,
       sum(t.bytes_down) AS bytes_down, sum(t.flows) AS flows,
       sumMap(map(t.vendor || '/' || t.service, t.bytes_up)) AS service_up, max(t.ingested_at) AS ingested_at
FROM flow_totals_1h AS t
WHERE t.vendor != ''
GROUP BY window_start, host, host_team;

INSERT INTO host_rollup_1d
SELECT window_start, host, host_team, max(t.host_owner) AS host_owner, sum(t.bytes_up) AS bytes_up,
       sum(t.bytes_down) AS bytes_down, sum(t.flows) AS flows,
       sumMap(map(t.vendor || '/' || t.service, t.bytes_up)) AS service_up, max(t.ingested_at) AS ingested_at
FROM flow_totals_1d AS t
WHERE t.vendor != ''
GROUP BY window_start, host, host_team;

CREATE MATERIALIZED VIEW IF NOT EXISTS host_rollup_1h_mv TO host_rollup_1h AS
SELECT toStartOfHour(toDateTime(flows.last_seen, 'UTC')) AS window_start, host, host_team,
       max(flows.host_owner) AS host_owner, sum(flows.bytes_up) AS bytes_up, sum(flows.bytes_down) AS bytes_down,
       count() AS flows, sumMap(map(flows.vendor || '/' || flows.service, flows.bytes_up)) AS service_up,
       max(flows.ingested_at) AS ingested_at
FROM flows
WHERE vendor != ''
GROUP BY window_start, host, host_team;

CREATE MATERIALIZED VIEW IF NOT EXISTS host_rollup_1d_mv TO host_rollup_1d AS
SELECT toStartOfDay(toDateTime(flows.last_seen, 'UTC')) AS window_start, host, host_team,
       max(flows.host_owner) AS host_owner, sum(flows.bytes_up) AS bytes_up, sum(flows.bytes_down) AS bytes_down,
       count() AS flows, sumMap(map(flows.vendor || '/' || flows.service, flows.bytes_up)) AS service_up,
       max(flows.ingested_at) AS ingested_at
FROM flows
WHERE vendor != ''
GROUP BY window_start, host, host_team;

CREATE VIEW IF NOT EXISTS host_rollup_1m AS
SELECT window_start, host, host_team, host_owner, bytes_up, bytes_down, flows,
       map(toString(vendor) || '/' || toString(service), bytes_up) AS service_up, ingested_at
FROM flow_totals_1m
WHERE vendor != '';

CREATE VIEW IF NOT EXISTS host_rollup_raw AS
SELECT toDateTime(last_seen, 'UTC') AS window_start, host, host_team, host_owner, bytes_up, bytes_down, toUInt64(1) AS flows,
       map(vendor || '/' || service, bytes_up) AS service_up, ingested_at
FROM flows
WHERE vendor != ''
