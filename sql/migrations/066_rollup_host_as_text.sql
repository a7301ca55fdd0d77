-- host as plain String in the rollups the console groups or looks up by host (flow_totals_*,
-- host_rollup_*, host_vendor_contact, host_vendor_first_contact), not LowCardinality(String).
-- A LowCardinality column keeps one dictionary per part only up to low_cardinality_max_dictionary_size
-- (8 192) values; past that each granule carries its own keys, and reading or grouping the column
-- decodes them granule by granule. A fleet of 30 000 hosts is past it: ranking 30 days of
-- host_rollup_1d by host took 63–108 ms with LowCardinality, 22–26 ms as String, and the String
-- column is no larger on disk (BENCHMARKS.md, Store: host as text). Team, owner, vendor and
-- service stay LowCardinality: tens or hundreds of values.
--
-- A type change rewrites the column of every part (the 100 M-flow bench store: 39 s in all, 17 s
-- of them flow_totals_1m); waited for, so the console never reads a half-converted table. The
-- views keep inserting flows' LowCardinality host, converted on insert.
ALTER TABLE host_rollup_1h MODIFY COLUMN host String SETTINGS mutations_sync = 2;

ALTER TABLE host_rollup_1d MODIFY COLUMN host String SETTINGS mutations_sync = 2;

ALTER TABLE flow_totals_1m MODIFY COLUMN host String SETTINGS mutations_sync = 2;

ALTER TABLE flow_totals_1h MODIFY COLUMN host String SETTINGS mutations_sync = 2;

ALTER TABLE flow_totals_1d MODIFY COLUMN host String SETTINGS mutations_sync = 2;

ALTER TABLE host_vendor_contact MODIFY COLUMN host String SETTINGS mutations_sync = 2;

ALTER TABLE host_vendor_first_contact MODIFY COLUMN host String SETTINGS mutations_sync = 2;
