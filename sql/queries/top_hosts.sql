-- The hosts that uploaded most to AI vendors in a time range, with their team and owner (from the
-- sensor's host inventory), how many vendors each used and the one it uploaded most to.
-- Reads the smallest flow_totals table that answers the range (flow_totals_1d/1h/1m/raw: sql/README.md).
-- @param since DateTime 1970-01-01 flows last seen at or after this time
-- @param until DateTime 2106-01-01 flows last seen before this time
-- @param team String '' only hosts of this team ('' for every team)
-- @param vendor String '' only traffic to this vendor ('' for every vendor)
-- @param limit UInt64 20 at most this many hosts
SELECT
    host,
    max(team)                AS team,
    max(owner)               AS owner,
    sum(up)                  AS bytes_up,
    sum(down)                AS bytes_down,
    sum(n)                   AS flows,
    count()                  AS vendors,
    argMax(vendor, up)       AS top_vendor
FROM
(
    SELECT host, vendor, max(host_team) AS team, max(host_owner) AS owner,
           sum(bytes_up) AS up, sum(bytes_down) AS down, sum(flows) AS n
    FROM {flow_totals:Rollup}
    WHERE vendor != ''
      AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
      AND ({team:String} = '' OR host_team = {team:String})
      AND ({vendor:String} = '' OR vendor = {vendor:String})
    GROUP BY host, vendor
)
GROUP BY host
ORDER BY bytes_up DESC, host
LIMIT {limit:UInt64}
