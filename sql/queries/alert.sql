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
    top_flows,
    -- Appended by the detection engineer (migration 020): the incident this record is one state of.
    incident_id,
    state,
    version,
    severity,
    policy,
    host_team,
    baseline_kind,
    total_bytes,
    peak_bytes,
    peak_window_start,
    windows,
    vendor_breakdown
FROM alerts FINAL
WHERE alert_id = {alert_id:String}
LIMIT 1
