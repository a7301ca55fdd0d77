-- Per host, the share of its upload that went to AI vendors in a time range: AI bytes from
-- host_vendor_service_1m, other bytes from host_traffic_1m (sensors with export.scope ai) plus the
-- non-vendor rows of flows (sensors with export.scope all; such a sensor sends no totals, so
-- nothing is counted twice). Minutes are those of the records' last_seen on both sides.
-- @param since DateTime 24h from this time on
-- @param until DateTime now up to this time
WITH
    ai AS (
        SELECT host, sum(bytes_up) AS bytes_up
        FROM host_vendor_service_1m FINAL
        WHERE window_start >= {since:DateTime} AND window_start < {until:DateTime}
        GROUP BY host),
    other AS (
        SELECT host, sum(bytes_up) AS bytes_up
        FROM
        (
            SELECT host, bytes_up FROM host_traffic_1m FINAL
            WHERE minute_start >= {since:DateTime} AND minute_start < {until:DateTime}
            UNION ALL
            SELECT host, bytes_up FROM flows
            WHERE vendor = '' AND last_seen >= {since:DateTime} AND last_seen < {until:DateTime}
        )
        GROUP BY host)
SELECT
    host,
    ai.bytes_up                                   AS ai_bytes_up,
    other.bytes_up                                AS other_bytes_up,
    ai.bytes_up + other.bytes_up                  AS total_bytes_up,
    round(if(total_bytes_up = 0, 0, ai_bytes_up / total_bytes_up), 4) AS ai_upload_share
FROM ai
FULL OUTER JOIN other USING (host)
ORDER BY ai_upload_share DESC, total_bytes_up DESC, host
