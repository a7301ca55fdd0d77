-- The fleet's AI traffic in a time range at three scopes in one pass: the whole fleet (one row,
-- scope 'fleet', the figures of fleet_totals), each vendor (scope 'vendor', those of top_vendors)
-- and each team (scope 'team', those of top_teams; team '' gathers the hosts the inventory does not
-- name), the {limit} largest uploaders of each scope. What the overview page shows as its tiles,
-- vendors and teams: the three count hosts from the same states, merged once per vendor × team,
-- where three queries would merge every state of the range three times (BENCHMARKS.md).
-- Reads the smallest vendor_totals table that answers the range (vendor_totals_1d/1h/1m/raw: one row per
-- vendor × service × team and bucket, the hosts as a uniqExact state; sql/README.md); for one host, which
-- those do not key, the smallest flow_totals table (one branch reads nothing: its WHERE is constant false).
-- @param since DateTime 1970-01-01 flows last seen at or after this time
-- @param until DateTime 2106-01-01 flows last seen before this time
-- @param team String '' only hosts of this team ('' for every team)
-- @param vendor String '' only this vendor ('' for every vendor)
-- @param host String '' only this host ('' for every host)
-- @param limit UInt64 20 at most this many vendors and this many teams
SELECT
    multiIf(grouping(vendor) = 0, 'vendor', grouping(team) = 0, 'team', 'fleet') AS scope,
    vendor,
    team,
    sum(up)                                 AS bytes_up,
    sum(down)                               AS bytes_down,
    sum(n)                                  AS flows,
    uniqExactMerge(states)                  AS hosts,
    uniqExactIf(team, team != '')           AS teams,
    uniqExact(vendor)                       AS vendors
FROM
(
    SELECT vendor, team, sum(up) AS up, sum(down) AS down, sum(n) AS n, uniqExactMergeState(states) AS states
    FROM
    (
        SELECT vendor, host_team AS team, bytes_up AS up, bytes_down AS down, flows AS n, hosts AS states
        FROM {vendor_totals:Rollup}
        WHERE {host:String} = '' AND vendor != ''
          AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
          AND ({team:String} = '' OR host_team = {team:String})
          AND ({vendor:String} = '' OR vendor = {vendor:String})
        UNION ALL
        SELECT vendor, host_team AS team, sum(bytes_up) AS up, sum(bytes_down) AS down, sum(flows) AS n,
               uniqExactState(toString(host)) AS states
        FROM {flow_totals:Rollup}
        WHERE {host:String} != '' AND host = {host:String} AND vendor != ''
          AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
          AND ({team:String} = '' OR host_team = {team:String})
          AND ({vendor:String} = '' OR vendor = {vendor:String})
        GROUP BY vendor, host_team
    )
    GROUP BY vendor, team
)
GROUP BY GROUPING SETS ((), (vendor), (team))
ORDER BY indexOf(['fleet', 'vendor', 'team'], scope), bytes_up DESC, vendor, team
LIMIT {limit:UInt64} BY scope
