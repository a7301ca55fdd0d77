-- One host's AI traffic minute by minute, as the detection job saw it (its 1-minute windows): the
-- observed side of an alert's chart. FINAL keeps the newest state of each window.
-- @param host String required the host
-- @param vendor String '' only this vendor ('' for every vendor)
-- @param since DateTime 1970-01-01 windows that start at or after this time
-- @param until DateTime 2106-01-01 windows that start before this time
SELECT
    window_start,
    sum(bytes_up)   AS bytes_up,
    sum(bytes_down) AS bytes_down,
    sum(flows)      AS flows
FROM host_vendor_service_1m FINAL
WHERE host = {host:String}
  AND ({vendor:String} = '' OR vendor = {vendor:String})
  AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
GROUP BY window_start
ORDER BY window_start
