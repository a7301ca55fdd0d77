-- The AI vendors that received most in a time range, with how many hosts and teams used each.
-- Reads the smallest flow_totals table that answers the range (flow_totals_1d/1h/1m/raw: sql/README.md).
-- @param since DateTime 1970-01-01 flows last seen at or after this time
-- @param until DateTime 2106-01-01 flows last seen before this time
-- @param team String '' only hosts of this team ('' for every team)
-- @param host String '' only this host ('' for every host)
-- @param limit UInt64 20 at most this many vendors
SELECT
    vendor,
    sum(bytes_up)                           AS bytes_up,
    sum(bytes_down)                         AS bytes_down,
    sum(flows)                              AS flows,
    uniqExact(host)                         AS hosts,
    uniqExactIf(host_team, host_team != '') AS teams
FROM {flow_totals:Rollup}
WHERE vendor != ''
  AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
  AND ({team:String} = '' OR host_team = {team:String})
  AND ({host:String} = '' OR host = {host:String})
GROUP BY vendor
ORDER BY bytes_up DESC, vendor
LIMIT {limit:UInt64}
