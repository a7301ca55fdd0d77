-- Upload and download per AI vendor over time: one row per time bucket and vendor (buckets
-- without traffic are absent), for the fleet, a team or one host.
-- Reads the smallest vendor_totals table that answers the range (vendor_totals_1d/1h/1m/raw: one row per
-- vendor × service × team and bucket, the hosts as a uniqExact state; sql/README.md); for one host, which
-- those do not key, the smallest flow_totals table (one branch reads nothing: its WHERE is constant false).
-- @param since DateTime 1970-01-01 flows last seen at or after this time
-- @param until DateTime 2106-01-01 flows last seen before this time
-- @param team String '' only hosts of this team ('' for every team)
-- @param vendor String '' only this vendor ('' for every vendor)
-- @param host String '' only this host ('' for every host)
-- @param bucket_seconds UInt64 3600 width of a time bucket in seconds
SELECT
    toDateTime(intDiv(toUnixTimestamp(window_start), greatest({bucket_seconds:UInt64}, 1))
               * greatest({bucket_seconds:UInt64}, 1), 'UTC') AS time,
    vendor,
    sum(up)                AS bytes_up,
    sum(down)              AS bytes_down,
    uniqExactMerge(states) AS hosts
FROM
(
    SELECT window_start, vendor, bytes_up AS up, bytes_down AS down, hosts AS states
    FROM {vendor_totals:Rollup}
    WHERE {host:String} = '' AND vendor != ''
      AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
      AND ({team:String} = '' OR host_team = {team:String})
      AND ({vendor:String} = '' OR vendor = {vendor:String})
    UNION ALL
    SELECT window_start, vendor, sum(bytes_up) AS up, sum(bytes_down) AS down, uniqExactState(toString(host)) AS states
    FROM {flow_totals:Rollup}
    WHERE {host:String} != '' AND host = {host:String} AND vendor != ''
      AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
      AND ({team:String} = '' OR host_team = {team:String})
      AND ({vendor:String} = '' OR vendor = {vendor:String})
    GROUP BY window_start, vendor
)
GROUP BY time, vendor
ORDER BY time, bytes_up DESC, vendor
