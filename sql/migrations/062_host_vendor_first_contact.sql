-- The first contact of each host with each AI vendor, ordered by time (issue 14): new_vendor_pairs
-- reads a range's newest first contacts from here instead of grouping every host × vendor pair
-- stored in host_vendor_contact (355 000 pairs at 100 M flows: 220–290 ms at any range,
-- BENCHMARKS.md).
--
-- A row is written when an insert brings a pair's earliest record so far: the pair has no row yet,
-- or the insert's earliest record for it is older than the pair's earliest row (a long connection
-- reported after a shorter, later one). Two inserts at the same moment (the job's sink subtasks on
-- a server) can each write a pair's first row. A reader keeps a pair's earliest row
-- (new_vendor_pairs).
-- host_team: the host's team at that first contact.
--
-- The view looks the block's pairs up in this table itself, not in host_vendor_contact: that
-- table's view may already hold this very insert (the order of views is not defined), this
-- table's cannot. In the view, flows is the inserted block, in the subquery too.
--
-- Kept as long as the daily rollup (store.retention.1d, io.agentwatch.store.Retention), like
-- host_vendor_contact: a pair whose row is gone is older than anything a range can ask about.
-- Existing rows: filled once, while empty, from host_vendor_contact; run the migration while
-- nothing writes flows (as `up` and the job do, before they start).
CREATE TABLE IF NOT EXISTS host_vendor_first_contact
(
    first_seen    DateTime64(6, 'UTC'),
    host          LowCardinality(String),
    vendor        LowCardinality(String),
    host_team     LowCardinality(String),
    ingested_at   DateTime('UTC')
)
ENGINE = MergeTree
ORDER BY (first_seen, host, vendor)
TTL ingested_at + INTERVAL 1095 DAY
SETTINGS non_replicated_deduplication_window = 10000;

INSERT INTO host_vendor_first_contact
SELECT min(c.first_seen) AS first_seen, host, vendor, argMin(c.host_team, c.first_seen) AS host_team,
       max(c.ingested_at) AS ingested_at
FROM host_vendor_contact AS c
WHERE vendor != '' AND (SELECT count() FROM host_vendor_first_contact) = 0
GROUP BY host, vendor;

CREATE MATERIALIZED VIEW IF NOT EXISTS host_vendor_first_contact_mv TO host_vendor_first_contact AS
SELECT b.first_seen AS first_seen, b.host AS host, b.vendor AS vendor, b.host_team AS host_team,
       b.ingested_at AS ingested_at
FROM
(
    SELECT host, vendor, argMin(flows.host_team, flows.first_seen) AS host_team,
           min(flows.first_seen) AS first_seen, max(flows.ingested_at) AS ingested_at
    FROM flows
    WHERE vendor != ''
    GROUP BY host, vendor
) AS b
LEFT JOIN
(
    SELECT host, vendor, min(c.first_seen) AS first_seen
    FROM host_vendor_first_contact AS c
    WHERE host IN (SELECT host FROM flows WHERE vendor != '')
    GROUP BY host, vendor
) AS known ON known.host = b.host AND known.vendor = b.vendor
WHERE known.first_seen = toDateTime64(0, 6, 'UTC') OR b.first_seen < known.first_seen;
