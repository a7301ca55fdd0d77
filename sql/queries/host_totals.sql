-- What each host sent to and received from each AI vendor in a time range (by default everything
-- stored). FINAL keeps the newest state of every window (late updates replace it).
-- @param since DateTime 1970-01-01 windows that start at or after this time
-- @param until DateTime 2106-01-01 windows that start before this time
SELECT
    host,
    vendor,
    sum(bytes_up)                      AS bytes_up,
    sum(bytes_down)                    AS bytes_down,
    sum(packets_up) + sum(packets_down) AS packets,
    sum(flows)                         AS flows
FROM host_vendor_service_1m FINAL
WHERE window_start >= {since:DateTime} AND window_start < {until:DateTime}
GROUP BY host, vendor
ORDER BY bytes_up DESC, host, vendor
