-- Incidents, one row each, newest first and most severe first within a window: what the console's
-- alert lists and `agentwatch alerts --incidents` show. The alerts table holds one row per state of
-- an incident (open, update, closed; all with the incident's first window as window_start); here
-- each incident is its latest version (alert_id, state, severity, totals, reason), its first window
-- start and last window end, and how many updates it had. An alert written before incidents
-- existed (incident_id '') is an incident of its own. Same filters as the alerts query: the
-- incidents whose first window starts in the range, i.e. exactly those the alerts query's rows
-- belong to. Columns are qualified (a.) because the selected names hide the table's in WHERE.
-- A team's alerts are those of the hosts whose flows to vendors carried the team (host_vendor_contact).
-- @param since DateTime 1970-01-01 incidents whose first window starts at or after this time
-- @param until DateTime 2106-01-01 incidents whose first window starts before this time
-- @param host String '' only this host ('' for every host)
-- @param vendor String '' only this vendor ('' for every vendor)
-- @param team String '' only hosts of this team ('' for every team)
-- @param detector String '' only this detector ('' for every detector)
-- @param limit UInt64 1000 at most this many incidents
SELECT
    if(a.incident_id = '', a.alert_id, a.incident_id)  AS incident_id,
    argMax(a.alert_id, a.version)                      AS alert_id,
    any(a.detector)                                    AS detector,
    any(a.host)                                        AS host,
    argMax(a.host_team, a.version)                     AS host_team,
    any(a.vendor)                                      AS vendor,
    argMax(a.service, a.version)                       AS service,
    min(a.window_start)                                AS window_start,
    max(a.window_end)                                  AS window_end,
    argMax(a.state, a.version)                         AS state,
    argMax(a.severity, a.version)                      AS severity,
    argMax(a.policy, a.version)                        AS policy,
    max(a.score)                                       AS score,
    argMax(a.total_bytes, a.version)                   AS total_bytes,
    argMax(a.peak_bytes, a.version)                    AS peak_bytes,
    argMax(a.peak_window_start, a.version)             AS peak_window_start,
    argMax(a.windows, a.version)                       AS windows,
    countIf(a.state = 'update')                        AS updates,
    count()                                            AS versions,
    argMax(a.reason, a.version)                        AS reason
FROM alerts AS a FINAL
WHERE a.window_start >= {since:DateTime} AND a.window_start < {until:DateTime}
  AND ({host:String} = '' OR a.host = {host:String})
  AND ({vendor:String} = '' OR a.vendor = {vendor:String})
  AND ({detector:String} = '' OR a.detector = {detector:String})
  AND ({team:String} = '' OR a.host IN (SELECT host FROM host_vendor_contact WHERE host_team = {team:String}))
GROUP BY incident_id
ORDER BY window_start DESC, score DESC, incident_id
LIMIT {limit:UInt64}
