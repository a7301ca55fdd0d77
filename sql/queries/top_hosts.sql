-- The hosts that uploaded most to AI vendors in a time range, with their team and owner (from the
-- sensor's host inventory), how many vendors each used and the one it uploaded most to.
-- Ranks the hosts on the smallest host_rollup table that answers the range (a row per host and
-- bucket; flow_totals, per vendor, for one vendor), then reads the smallest flow_totals table for
-- the {limit} hosts shown only (their team, owner, vendors; tiers: sql/README.md). The ranking is
-- the same sum of the same integers, so the page is the one flow_totals alone gives.
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
      AND host IN
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
    GROUP BY host, vendor
)
GROUP BY host
ORDER BY bytes_up DESC, host
LIMIT {limit:UInt64}
