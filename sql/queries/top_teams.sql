-- The teams whose hosts uploaded most to AI vendors in a time range (team '' gathers the hosts
-- the inventory does not name).
-- Reads the smallest vendor_totals table that answers the range (vendor_totals_1d/1h/1m/raw: one row per
-- vendor × service × team and bucket, the hosts as a uniqExact state; sql/README.md).
-- @param since DateTime 1970-01-01 flows last seen at or after this time
-- @param until DateTime 2106-01-01 flows last seen before this time
-- @param vendor String '' only traffic to this vendor ('' for every vendor)
-- @param limit UInt64 20 at most this many teams
SELECT
    host_team         AS team,
    uniqExactMerge(hosts) AS hosts,
    sum(bytes_up)     AS bytes_up,
    sum(bytes_down)   AS bytes_down,
    uniqExact(vendor) AS vendors
FROM {vendor_totals:Rollup}
WHERE vendor != ''
  AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
  AND ({vendor:String} = '' OR vendor = {vendor:String})
GROUP BY team
ORDER BY bytes_up DESC, team
LIMIT {limit:UInt64}
