-- One host's AI vendors and services in a time range: bytes each way, flows, first and last seen.
-- @param host String required the host
-- @param since DateTime 1970-01-01 flows last seen at or after this time
-- @param until DateTime 2106-01-01 flows last seen before this time
SELECT
    vendor,
    service,
    sum(bytes_up)               AS bytes_up,
    sum(bytes_down)             AS bytes_down,
    count()                     AS flows,
    toDateTime(min(first_seen)) AS first_seen,
    toDateTime(max(last_seen))  AS last_seen
FROM flows AS f
WHERE vendor != '' AND host = {host:String}
  AND f.last_seen >= {since:DateTime} AND f.last_seen < {until:DateTime}
GROUP BY vendor, service
ORDER BY bytes_up DESC, vendor, service
