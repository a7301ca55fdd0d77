-- What each host sent to and received from each AI vendor over everything stored: the totals a
-- user sees after a run. Sums over host_vendor_1m, so windows not yet merged count correctly.
SELECT
    host,
    vendor,
    sum(bytes_up)                      AS bytes_up,
    sum(bytes_down)                    AS bytes_down,
    sum(packets_up) + sum(packets_down) AS packets,
    sum(flows)                         AS flows
FROM host_vendor_1m
GROUP BY host, vendor
ORDER BY bytes_up DESC, host, vendor
