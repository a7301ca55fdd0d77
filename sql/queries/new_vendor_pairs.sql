-- Hosts that contacted an AI vendor for the first time (over everything stored) within a time
-- range, newest first, with what they uploaded to it in that range.
-- @param since DateTime 1970-01-01 first contact at or after this time
-- @param until DateTime 2106-01-01 first contact before this time
-- @param team String '' only hosts of this team ('' for every team)
-- @param limit UInt64 20 at most this many pairs
SELECT host, team, vendor, first_seen, bytes_up
FROM
(
    SELECT
        host,
        vendor,
        max(host_team)              AS team,
        toDateTime(min(first_seen)) AS first_seen,
        sumIf(bytes_up, last_seen >= {since:DateTime} AND last_seen < {until:DateTime}) AS bytes_up
    FROM flows AS f
    WHERE vendor != '' AND f.first_seen < {until:DateTime}
      AND ({team:String} = '' OR host_team = {team:String})
    GROUP BY host, vendor
)
WHERE first_seen >= {since:DateTime}
ORDER BY first_seen DESC, host, vendor
LIMIT {limit:UInt64}
