-- Upload and download per AI vendor over time: one row per time bucket and vendor (buckets
-- without traffic are absent), for the fleet, a team or one host.
-- Reads the smallest flow_totals table that answers the range (flow_totals_1d/1h/1m/raw: sql/README.md).
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
    sum(bytes_up)   AS bytes_up,
    sum(bytes_down) AS bytes_down,
    uniqExact(host) AS hosts
FROM {flow_totals:Rollup}
WHERE vendor != ''
  AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
  AND ({team:String} = '' OR host_team = {team:String})
  AND ({vendor:String} = '' OR vendor = {vendor:String})
  AND ({host:String} = '' OR host = {host:String})
GROUP BY time, vendor
ORDER BY time, bytes_up DESC, vendor
