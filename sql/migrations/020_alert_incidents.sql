-- Alerts as incidents (issue 15; schemas/avro/ExposureAlert.avsc, version 2): alerts of one host ×
-- vendor × detector group into an incident that opens, updates and closes; each record is one
-- state of it. Written by io.agentwatch.store.AlertRows. Rows of 004 read with the defaults below
-- (no incident, version 0).
--
-- version joins the sorting key (ReplacingMergeTree keeps one row per key): the records of one
-- incident share its host, detector, vendor, service and first window, and only their version
-- tells them apart. ClickHouse accepts a new sorting-key column only when it is added in the same
-- ALTER and without a DEFAULT expression (a UInt32 is 0 anyway), hence one statement.
ALTER TABLE alerts
    ADD COLUMN IF NOT EXISTS incident_id       String DEFAULT '',
    ADD COLUMN IF NOT EXISTS state             LowCardinality(String) DEFAULT '',
    ADD COLUMN IF NOT EXISTS version           UInt32,
    ADD COLUMN IF NOT EXISTS severity          LowCardinality(String) DEFAULT '',
    ADD COLUMN IF NOT EXISTS policy            LowCardinality(String) DEFAULT '',
    ADD COLUMN IF NOT EXISTS host_team         LowCardinality(String) DEFAULT '',
    ADD COLUMN IF NOT EXISTS baseline_kind     String DEFAULT '',
    ADD COLUMN IF NOT EXISTS total_bytes       UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS peak_bytes        UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS peak_window_start DateTime('UTC') DEFAULT 0,
    ADD COLUMN IF NOT EXISTS windows           UInt32 DEFAULT 0,
    -- Upload per vendor × service in the alerting window(s), largest first.
    ADD COLUMN IF NOT EXISTS vendor_breakdown  Array(Tuple(vendor String, service String, bytes_up UInt64)),
    MODIFY ORDER BY (host, detector, vendor, service, window_start, version);
