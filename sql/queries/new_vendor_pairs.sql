-- Hosts that contacted an AI vendor for the first time (over everything stored) within a time
-- range, newest first, with what they uploaded to it in that range. First contacts come from
-- host_vendor_first_contact (migration 062: a row each time an insert brought a pair's earliest
-- record so far, ordered by time), so a range reads its newest rows only, not every pair stored.
-- A pair can have later rows too (its earliest record reported after later ones, or two writers at
-- once): of the range's newest 8 × {limit} rows, those that are their pair's earliest row are kept.
-- The bytes come from the smallest flow_totals table that answers the range (sql/README.md), for
-- the hosts shown only (065: read in host order). The pairs' earliest rows are looked up per host
-- (a host has a few vendors; 065 orders the table by host as well): one LowCardinality key
-- filters faster than the pair.
-- team: the host's team at its first contact with the vendor.
-- @param since DateTime 1970-01-01 first contact at or after this time
-- @param until DateTime 2106-01-01 first contact before this time
-- @param team String '' only hosts of this team ('' for every team)
-- @param limit UInt64 20 at most this many pairs
WITH
candidates AS MATERIALIZED
(
    SELECT host, vendor, host_team, first_seen
    FROM host_vendor_first_contact
    WHERE first_seen >= {since:DateTime} AND first_seen < {until:DateTime}
      AND ({team:String} = '' OR host_team = {team:String})
    ORDER BY first_seen DESC
    LIMIT 8 * {limit:UInt64}
),
pairs AS MATERIALIZED
(
    SELECT host, vendor, host_team AS team, first_seen AS first_contact
    FROM candidates
    WHERE (host, vendor, first_seen) IN
    (
        SELECT host, vendor, min(first_seen)
        FROM host_vendor_first_contact
        WHERE host IN (SELECT host FROM candidates)
          AND ({team:String} = '' OR host_team = {team:String})
        GROUP BY host, vendor
    )
    ORDER BY first_contact DESC, host, vendor
    LIMIT {limit:UInt64}
)
SELECT host, team, vendor, toDateTime(first_contact) AS first_seen, sent.bytes_up AS bytes_up
FROM pairs
LEFT JOIN
(
    SELECT host, vendor, sum(bytes_up) AS bytes_up
    FROM {flow_totals:Rollup}
    WHERE window_start >= {since:DateTime} AND window_start < {until:DateTime}
      AND ({team:String} = '' OR host_team = {team:String})
      AND host IN (SELECT host FROM pairs)
    GROUP BY host, vendor
) AS sent USING (host, vendor)
ORDER BY first_contact DESC, host, vendor
