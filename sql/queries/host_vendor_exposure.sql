-- Exposure per host × vendor × service in a time range, with the facts and policy tag that weigh
-- it: megabytes (10^6 bytes) uploaded × factor, factor = vendor_factor (training_factor ×
-- retention_factor) × policy_factor, all from exposure_factors (migration 050; docs/exposure.md).
-- A service the vendors table does not list counts with the factors of the view's '' row.
-- Reads the smallest flow_totals table that answers the range (flow_totals_1d/1h/1m/raw: sql/README.md).
-- @param since DateTime 1970-01-01 flows last seen at or after this time
-- @param until DateTime 2106-01-01 flows last seen before this time
-- @param host String '' only this host ('' for every host)
-- @param team String '' only hosts of this team ('' for every team)
-- @param limit UInt64 100 at most this many rows
SELECT
    t.host                                      AS host,
    t.team                                      AS host_team,
    t.vendor                                    AS vendor,
    t.service                                   AS service,
    t.up                                        AS bytes_up,
    if(f.vendor = '', u.trains_by_default, f.trains_by_default) AS trains_by_default,
    if(f.vendor = '', u.retention, f.retention)               AS retention,
    if(f.vendor = '', u.policy_tag, f.policy_tag)             AS policy_tag,
    if(f.vendor = '', u.vendor_factor, f.vendor_factor)       AS vendor_factor,
    if(f.vendor = '', u.policy_factor, f.policy_factor)       AS policy_factor,
    round(t.up / 1e6 * if(f.vendor = '', u.factor, f.factor), 2) AS exposure
FROM
(
    SELECT host, vendor, service, max(host_team) AS team, sum(bytes_up) AS up
    FROM {flow_totals:Rollup}
    WHERE vendor != ''
      AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
      AND ({host:String} = '' OR host = {host:String})
      AND ({team:String} = '' OR host_team = {team:String})
    GROUP BY host, vendor, service
) AS t
LEFT JOIN exposure_factors AS f ON f.vendor = t.vendor AND f.service = t.service
CROSS JOIN (SELECT * FROM exposure_factors WHERE vendor = '') AS u
-- Every column in the order: rows that tie on the rest still come in one order, on any server.
ORDER BY exposure DESC, host, vendor, service, trains_by_default, retention, policy_tag, vendor_factor, policy_factor
LIMIT {limit:UInt64}
