-- The fleet's AI traffic in a time range, one row: bytes up and down, flows, and how many hosts,
-- teams and vendors took part. Counts flows to identified AI vendors only.
-- Reads the smallest vendor_totals table that answers the range (vendor_totals_1d/1h/1m/raw: one row per
-- vendor × service × team and bucket, the hosts as a uniqExact state; sql/README.md).
-- @param since DateTime 1970-01-01 flows last seen at or after this time
-- @param until DateTime 2106-01-01 flows last seen before this time
-- @param team String '' only hosts of this team ('' for every team)
-- @param vendor String '' only this vendor ('' for every vendor)
SELECT
    sum(bytes_up)                                AS bytes_up,
    sum(bytes_down)                              AS bytes_down,
    sum(flows)                                   AS flows,
    uniqExactMerge(hosts)                        AS hosts,
    uniqExactIf(host_team, host_team != '')      AS teams,
    uniqExact(vendor)                            AS vendors
FROM {vendor_totals:Rollup}
WHERE vendor != ''
  AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
  AND ({team:String} = '' OR host_team = {team:String})
  AND ({vendor:String} = '' OR vendor = {vendor:String})
