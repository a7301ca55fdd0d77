-- What each host sent to and received from each AI vendor over everything stored: the totals a
-- user sees after a run. FINAL keeps the newest state of every window (late updates replace it).
SELECT
    host,
    vendor,
    sum(bytes_up)                      AS bytes_up,
    sum(bytes_down)                    AS bytes_down,
    sum(packets_up) + sum(packets_down) AS packets,
    sum(flows)                         AS flows
FROM host_vendor_service_1m FINAL
GROUP BY host, vendor
ORDER BY bytes_up DESC, host, vendor
