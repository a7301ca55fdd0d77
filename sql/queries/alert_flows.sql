-- The flows behind an alert: its top flows' Community IDs resolved to the alert host's flow rows
-- that overlap the alert's window (a Community ID names a 5-tuple, which a host may reuse at
-- other times), largest upload first.
-- @param alert_id String required the alert's id
WITH (SELECT (host, window_start, window_end, top_flows) FROM alerts FINAL
      WHERE alert_id = {alert_id:String} LIMIT 1) AS alert
SELECT
    toDateTime(first_seen) AS first_seen,
    toDateTime(last_seen)  AS last_seen,
    host,
    replaceRegexpOne(toString(dst_ip), '^::ffff:', '') AS dst_ip,
    dst_port,
    transport,
    sni,
    vendor,
    service,
    bytes_up,
    bytes_down,
    ja4,
    community_id
FROM flows
WHERE host = alert.1
  AND first_seen < alert.3 AND last_seen >= alert.2
  -- a top flow is stored as 'COMMUNITY_ID (N B up)'
  AND has(arrayMap(f -> splitByChar(' ', f)[1], alert.4), community_id)
ORDER BY bytes_up DESC, first_seen
