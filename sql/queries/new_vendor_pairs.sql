-- Hosts that contacted an AI vendor for the first time (over everything stored) within a time
-- range, newest first, with what they uploaded to it in that range. First contacts come from
-- host_vendor_first_contact (migration 062: a row per pair's earliest record, ordered by time), so a
-- range reads its newest rows only. A row replaced by an earlier contact written later is skipped
-- (its replacement names it in supersedes); each row is then checked against host_vendor_contact's
-- first contact of its pair (a pair two writers both wrote keeps its earlier row): four times
-- {limit} rows are read for that, each pair has at most a few. The bytes come from the smallest
-- flow_totals table that answers the range (sql/README.md), for the pairs shown only.
-- team: the host's team at its first contact with the vendor.
-- @param since DateTime 1970-01-01 first contact at or after this time
-- @param until DateTime 2106-01-01 first contact before this time
-- @param team String '' only hosts of this team ('' for every team)
-- @param limit UInt64 20 at most this many pairs
WITH
candidates AS
(
    SELECT host, vendor, host_team, first_seen
    FROM host_vendor_first_contact
    WHERE first_seen >= {since:DateTime} AND first_seen < {until:DateTime}
      AND ({team:String} = '' OR host_team = {team:String})
      AND (host, vendor, first_seen) NOT IN
      (
          SELECT host, vendor, supersedes
          FROM host_vendor_first_contact
          WHERE supersedes >= {since:DateTime} AND supersedes < {until:DateTime}
      )
    ORDER BY toDateTime(first_seen) DESC, host, vendor
    LIMIT 4 * {limit:UInt64}
),
pairs AS
(
    SELECT c.host AS host, c.vendor AS vendor, c.host_team AS team, toDateTime(c.first_seen) AS first_seen
    FROM candidates AS c
    INNER JOIN
    (
        SELECT host, vendor, min(first_seen) AS first_seen
        FROM host_vendor_contact
        WHERE (host, vendor) IN (SELECT host, vendor FROM candidates)
          AND ({team:String} = '' OR host_team = {team:String})
        GROUP BY host, vendor
    ) AS earliest ON earliest.host = c.host AND earliest.vendor = c.vendor AND earliest.first_seen = c.first_seen
    ORDER BY first_seen DESC, host, vendor
    LIMIT {limit:UInt64}
)
SELECT host, team, vendor, first_seen, bytes_up
FROM pairs
LEFT JOIN
(
    SELECT host, vendor, sum(bytes_up) AS bytes_up
    FROM {flow_totals:Rollup}
    WHERE vendor != ''
      AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
      AND ({team:String} = '' OR host_team = {team:String})
      AND (host, vendor) IN (SELECT host, vendor FROM pairs)
    GROUP BY host, vendor
) AS sent USING (host, vendor)
ORDER BY first_seen DESC, host, vendor
