-- The teams whose hosts uploaded most to AI vendors in a time range (team '' gathers the hosts
-- the inventory does not name).
-- @param since DateTime 1970-01-01 flows last seen at or after this time
-- @param until DateTime 2106-01-01 flows last seen before this time
-- @param vendor String '' only traffic to this vendor ('' for every vendor)
-- @param limit UInt64 20 at most this many teams
SELECT
    host_team         AS team,
    uniqExact(host)   AS hosts,
    sum(bytes_up)     AS bytes_up,
    sum(bytes_down)   AS bytes_down,
    uniqExact(vendor) AS vendors
FROM flows
WHERE vendor != ''
  AND last_seen >= {since:DateTime} AND last_seen < {until:DateTime}
  AND ({vendor:String} = '' OR vendor = {vendor:String})
GROUP BY team
ORDER BY bytes_up DESC, team
LIMIT {limit:UInt64}
