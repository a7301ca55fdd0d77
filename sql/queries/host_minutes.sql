-- One host's AI traffic minute by minute, as the detection job saw it (its 1-minute windows): the
-- observed side of an alert's chart. A window's newest state is the largest of each of its
-- counters: the job's firings of one window only add to them (a late part adds bytes, and a flow
-- if it ends the record), so each column's max over the window's rows is what FINAL would keep,
-- without FINAL's merge of every part in the range (BENCHMARKS.md).
-- @param host String required the host
-- @param vendor String '' only this vendor ('' for every vendor)
-- @param since DateTime 1970-01-01 windows that start at or after this time
-- @param until DateTime 2106-01-01 windows that start before this time
SELECT
    window_start,
    sum(up)   AS bytes_up,
    sum(down) AS bytes_down,
    sum(n)    AS flows
FROM
(
    SELECT window_start, max(bytes_up) AS up, max(bytes_down) AS down, max(flows) AS n
    FROM host_vendor_service_1m
    WHERE host = {host:String}
      AND ({vendor:String} = '' OR vendor = {vendor:String})
      AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
    GROUP BY vendor, service, window_start
)
GROUP BY window_start
ORDER BY window_start
