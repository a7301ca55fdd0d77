-- Hosts that contacted an AI vendor for the first time (over everything stored) within a time
-- range, newest first, with what they uploaded to it in that range. First contacts come from
-- host_vendor_contact (one row per host × vendor × team, kept as long as the daily rollup), the
-- bytes from the smallest flow_totals table that answers the range (sql/README.md). The pairs are
-- cut to the {limit} shown before their bytes are summed, for those pairs only: the join adds no
-- row, so the page is the same, and a month of a fleet's pairs is not summed to show twenty.
-- @param since DateTime 1970-01-01 first contact at or after this time
-- @param until DateTime 2106-01-01 first contact before this time
-- @param team String '' only hosts of this team ('' for every team)
-- @param limit UInt64 20 at most this many pairs
WITH pairs AS
(
    SELECT host, vendor, max(host_team) AS team, toDateTime(min(first_seen)) AS first_seen
    FROM host_vendor_contact
    WHERE ({team:String} = '' OR host_team = {team:String})
    GROUP BY host, vendor
    HAVING first_seen >= {since:DateTime} AND first_seen < {until:DateTime}
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
