-- Alerts with every field, newest first and most severe first within a window: what the HTTP API
-- and `agentwatch alerts` show. FINAL: a restored job may have written an alert twice; the table
-- keeps one per key.
-- A team's alerts are those of the hosts whose flows to vendors carried the team (host_vendor_contact).
-- @param since DateTime 1970-01-01 alerts whose window starts at or after this time
-- @param until DateTime 2106-01-01 alerts whose window starts before this time
-- @param host String '' only this host ('' for every host)
-- @param vendor String '' only this vendor ('' for every vendor)
-- @param team String '' only hosts of this team ('' for every team)
-- @param detector String '' only this detector ('' for every detector)
-- @param limit UInt64 1000 at most this many alerts
WITH assumeNotNull((
    SELECT (groupArrayIf(vendor || '/' || service, vendor != ''), groupArrayIf(factor, vendor != ''), anyIf(factor, vendor = ''))
    FROM exposure_factors
)) AS factors
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
    vendor_breakdown,
    -- Appended by the exposure score (migration 050, docs/exposure.md): the incident's upload so
    -- far in MB × the factor of the alert's vendor × service (its largest share).
    -- A vendor × service the table does not list weighs with the factor of its '' row.
    round(total_bytes / 1e6 * transform(vendor || '/' || service, factors.1, factors.2, factors.3), 2) AS exposure
FROM alerts FINAL
WHERE window_start >= {since:DateTime} AND window_start < {until:DateTime}
  AND ({host:String} = '' OR host = {host:String})
  AND ({vendor:String} = '' OR vendor = {vendor:String})
  AND ({detector:String} = '' OR detector = {detector:String})
  AND ({team:String} = '' OR host IN (SELECT host FROM host_vendor_contact WHERE host_team = {team:String}))
ORDER BY window_start DESC, score DESC, alert_id
LIMIT {limit:UInt64}
