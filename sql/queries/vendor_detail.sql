-- One AI vendor's services in a time range: category, how many hosts and teams used each, bytes
-- each way, flows, first and last seen.
-- Reads the smallest vendor_totals table that answers the range (vendor_totals_1d/1h/1m/raw: one row per
-- vendor × service × team and bucket, the hosts as a uniqExact state; sql/README.md).
-- @param vendor String required the vendor
-- @param since DateTime 1970-01-01 flows last seen at or after this time
-- @param until DateTime 2106-01-01 flows last seen before this time
SELECT
    service,
    max(category)                           AS category,
    uniqExactMerge(hosts)                   AS hosts,
    uniqExactIf(host_team, host_team != '') AS teams,
    sum(bytes_up)                           AS bytes_up,
    sum(bytes_down)                         AS bytes_down,
    sum(flows)                              AS flows,
    toDateTime(min(first_seen))             AS first_seen,
    toDateTime(max(last_seen))              AS last_seen
FROM {vendor_totals:Rollup}
WHERE vendor = {vendor:String}
  AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
GROUP BY service
ORDER BY bytes_up DESC, service
