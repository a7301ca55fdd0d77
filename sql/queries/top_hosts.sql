-- The hosts that uploaded most to AI vendors in a time range, with their team and owner (from the
-- sensor's host inventory), how many vendors each used and the one it uploaded most to.
-- Ranks the hosts on the smallest host_rollup table that answers the range (a row per host and
-- bucket, its uploads per 'vendor/service' in a map; tiers: sql/README.md), then sums the rows of
-- the {limit} hosts shown only. For one vendor, flow_totals (a row per host × vendor) does both.
-- @param since DateTime 1970-01-01 flows last seen at or after this time
-- @param until DateTime 2106-01-01 flows last seen before this time
-- @param team String '' only hosts of this team ('' for every team)
-- @param vendor String '' only traffic to this vendor ('' for every vendor)
-- @param limit UInt64 20 at most this many hosts
WITH shown AS MATERIALIZED
(
    SELECT host
    FROM
    (
        SELECT host, bytes_up
        FROM {host_rollup:Rollup}
        WHERE {vendor:String} = ''
          AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
          AND ({team:String} = '' OR host_team = {team:String})
        UNION ALL
        SELECT host, bytes_up
        FROM {flow_totals:Rollup}
        WHERE {vendor:String} != '' AND vendor = {vendor:String}
          AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
          AND ({team:String} = '' OR host_team = {team:String})
    )
    GROUP BY host
    ORDER BY sum(bytes_up) DESC, host
    LIMIT {limit:UInt64}
)
SELECT
    host,
    max(team)                AS team,
    max(owner)               AS owner,
    sum(up)                  AS bytes_up,
    any(down)                AS bytes_down,
    any(n)                   AS flows,
    count()                  AS vendors,
    argMax(vendor, up)       AS top_vendor
FROM
(
    -- Every vendor: a row per host and vendor, the host's bytes down and flows on each.
    SELECT host, substring(key, 1, position(key, '/') - 1) AS vendor, any(team) AS team, any(owner) AS owner,
           sum(service_bytes) AS up, any(host_down) AS down, any(host_flows) AS n
    FROM
    (
        SELECT host, max(host_team) AS team, max(host_owner) AS owner, sum(bytes_down) AS host_down,
               sum(flows) AS host_flows, sumMap(service_up) AS sent
        FROM {host_rollup:Rollup}
        WHERE {vendor:String} = ''
          AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
          AND ({team:String} = '' OR host_team = {team:String})
          AND host IN shown
        GROUP BY host
    )
    ARRAY JOIN mapKeys(sent) AS key, mapValues(sent) AS service_bytes
    GROUP BY host, vendor
    UNION ALL
    SELECT host, vendor, max(host_team) AS team, max(host_owner) AS owner,
           sum(bytes_up) AS up, sum(bytes_down) AS down, sum(flows) AS n
    FROM {flow_totals:Rollup}
    WHERE {vendor:String} != '' AND vendor = {vendor:String}
      AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
      AND ({team:String} = '' OR host_team = {team:String})
      AND host IN shown
    GROUP BY host, vendor
)
GROUP BY host
ORDER BY bytes_up DESC, host
LIMIT {limit:UInt64}
