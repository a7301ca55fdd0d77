-- host_rollup_1h/_1d (061) lost bytes when their parts merged: SummingMergeTree sums numeric
-- columns, but of a plain Map column it keeps one row's map, so service_up (bytes up per
-- 'vendor/service') held one insert's uploads per host and bucket while bytes_up held them all.
-- As SimpleAggregateFunction(sumMap, ...) the engine sums the map per key on merge; the views'
-- sumMap(...) rows fit the new type as they are.
--
-- The merged rows cannot be mended: both tables are emptied and filled again from flow_totals_1h
-- and _1d as 061 filled them (the same sums; 85 s on a 100 M-row store). Run the migration while
-- nothing writes flows (as `up` and the job do, before they start): a record inserted between the
-- empty table and its fill would be counted twice.
ALTER TABLE host_rollup_1h MODIFY COLUMN service_up SimpleAggregateFunction(sumMap, Map(String, UInt64));

ALTER TABLE host_rollup_1d MODIFY COLUMN service_up SimpleAggregateFunction(sumMap, Map(String, UInt64));

TRUNCATE TABLE host_rollup_1h;

TRUNCATE TABLE host_rollup_1d;

INSERT INTO host_rollup_1h
SELECT window_start, host, host_team, sum(t.bytes_up) AS bytes_up, sum(t.bytes_down) AS bytes_down, sum(t.flows) AS flows,
       sumMap(map(t.vendor || '/' || t.service, t.bytes_up)) AS service_up, max(t.ingested_at) AS ingested_at
FROM flow_totals_1h AS t
WHERE t.vendor != ''
GROUP BY window_start, host, host_team;

INSERT INTO host_rollup_1d
SELECT window_start, host, host_team, sum(t.bytes_up) AS bytes_up, sum(t.bytes_down) AS bytes_down, sum(t.flows) AS flows,
       sumMap(map(t.vendor || '/' || t.service, t.bytes_up)) AS service_up, max(t.ingested_at) AS ingested_at
FROM flow_totals_1d AS t
WHERE t.vendor != ''
GROUP BY window_start, host, host_team;
