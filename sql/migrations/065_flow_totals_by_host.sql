-- flow_totals_1h's and _1d's rows ordered by host as well (a projection each), for questions
-- about a few hosts over hours or days (the console's 24 h, 7 d and 30 d presets): the second
-- step of top_hosts and host_exposure (the shown hosts' vendors), host_vendors, and the one-host
-- branches of fleet_overview, top_vendors and fleet_summary. The tables are ordered by time
-- first, and the rows of 20 hosts fall in nearly every granule of a bucket: a 30-day top_hosts
-- read the range's 1.9 M rows for 20 hosts' 1 800 at 100 M flows (BENCHMARKS.md). ClickHouse
-- reads a projection when it reads fewer granules there.
--
-- deduplicate_merge_projection_mode = 'rebuild': a SummingMergeTree merge collapses rows, so each
-- merged part's projection is built again (ClickHouse refuses a projection on such a table
-- otherwise). Lightweight DELETE stays refused on the tables (lightweight_mutation_projection_mode
-- 'throw', the default: in 'rebuild' mode a lightweight DELETE leaves the deleted rows in the
-- projection, ClickHouse/ClickHouse#111791); `catalog reidentify` deletes its buckets with a
-- mutation, which rewrites the projection with the part.
ALTER TABLE flow_totals_1h MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';

ALTER TABLE flow_totals_1h ADD PROJECTION IF NOT EXISTS by_host (SELECT * ORDER BY host, window_start);

ALTER TABLE flow_totals_1h MATERIALIZE PROJECTION by_host SETTINGS mutations_sync = 2;

ALTER TABLE flow_totals_1d MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';

ALTER TABLE flow_totals_1d ADD PROJECTION IF NOT EXISTS by_host (SELECT * ORDER BY host, window_start);

ALTER TABLE flow_totals_1d MATERIALIZE PROJECTION by_host SETTINGS mutations_sync = 2;

-- new_vendor_pairs looks up the earliest first contact of its candidate hosts' pairs: a few hosts
-- among every pair stored, which the table keeps in time order. A plain MergeTree: no merge mode.
ALTER TABLE host_vendor_first_contact ADD PROJECTION IF NOT EXISTS by_host (SELECT * ORDER BY host, vendor);

ALTER TABLE host_vendor_first_contact MATERIALIZE PROJECTION by_host SETTINGS mutations_sync = 2;
