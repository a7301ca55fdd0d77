-- The AI vendors that received most in a time range, with how many hosts and teams used each.
-- Reads the smallest vendor_totals table that answers the range (vendor_totals_1d/1h/1m/raw: one row per
-- vendor × service × team and bucket, the hosts as a uniqExact state; sql/README.md); for one host, which
-- those do not key, the smallest flow_totals table (one branch reads nothing: its WHERE is constant false).
-- @param since DateTime 1970-01-01 flows last seen at or after this time
-- @param until DateTime 2106-01-01 flows last seen before this time
-- @param team String '' only hosts of this team ('' for every team)
-- @param host String '' only this host ('' for every host)
-- @param limit UInt64 20 at most this many vendors
SELECT
    vendor,
    sum(up)                                 AS bytes_up,
    sum(down)                               AS bytes_down,
    sum(n)                                  AS flows,
    uniqExactMerge(states)                  AS hosts,
    uniqExactIf(team, team != '')           AS teams
FROM
(
    SELECT vendor, host_team AS team, bytes_up AS up, bytes_down AS down, flows AS n, hosts AS states
    FROM {vendor_totals:Rollup}
    WHERE {host:String} = '' AND vendor != ''
      AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
      AND ({team:String} = '' OR host_team = {team:String})
    UNION ALL
    SELECT vendor, host_team AS team, sum(bytes_up) AS up, sum(bytes_down) AS down, sum(flows) AS n,
           uniqExactState(toString(host)) AS states
    FROM {flow_totals:Rollup}
    WHERE {host:String} != '' AND host = {host:String} AND vendor != ''
      AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
      AND ({team:String} = '' OR host_team = {team:String})
    GROUP BY vendor, host_team
)
GROUP BY vendor
ORDER BY bytes_up DESC, vendor
LIMIT {limit:UInt64}
