-- One alert with every field (the columns of the alerts query), by its id.
-- @param alert_id String required the alert's id
SELECT
    alert_id,
    detector,
    host,
    vendor,
    service,
    window_start,
    window_end,
    observed,
    baseline,
    score,
    reason,
    top_flows
FROM alerts FINAL
WHERE alert_id = {alert_id:String}
LIMIT 1
