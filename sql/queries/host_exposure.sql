-- The hosts whose uploads to AI vendors weigh most in a time range: each host's exposure is the
-- megabytes (10^6 bytes) it uploaded to each vendor × service times that service's factor from
-- exposure_factors (what the vendor does with the data × the policy tag; the formula is defined
-- there, migration 050, and explained in docs/exposure.md), summed. With the host's team, upload,
-- how many vendors it used and the vendor that weighs most. A service the vendors table does not
-- list counts with the factor of the view's '' row (unknown facts, unreviewed).
-- Ranks the hosts on the smallest host_rollup table that answers the range (a row per host and
-- bucket with its bytes up per vendor/service: sql/README.md), then weighs the {limit} + 10 first
-- of them exactly as before on the smallest flow_totals table: the ten more keep a host whose
-- rank moved by a float rounding (the ranking adds the same products in another order) on the page.
-- @param since DateTime 1970-01-01 flows last seen at or after this time
-- @param until DateTime 2106-01-01 flows last seen before this time
-- @param team String '' only hosts of this team ('' for every team)
-- @param limit UInt64 20 at most this many hosts
-- @param host String '' only this host ('' for every host: the console's host page asks for one)
WITH assumeNotNull((
    SELECT (groupArrayIf(vendor || '/' || service, vendor != ''), groupArrayIf(factor, vendor != ''), anyIf(factor, vendor = ''))
    FROM exposure_factors
)) AS factors
SELECT
    host,
    max(team)                                   AS host_team,
    round(sum(vendor_exposure), 2)              AS exposure,
    sum(up)                                     AS bytes_up,
    count()                                     AS vendors,
    argMax(vendor, vendor_exposure)             AS top_vendor,
    round(max(vendor_exposure), 2)              AS top_vendor_exposure
FROM
(
    SELECT t.host AS host, t.vendor AS vendor, max(t.team) AS team, sum(t.up) AS up,
           sum(t.up / 1e6 * if(f.vendor = '', u.factor, f.factor)) AS vendor_exposure
    FROM
    (
        SELECT host, vendor, service, max(host_team) AS team, sum(bytes_up) AS up
        FROM {flow_totals:Rollup}
        WHERE vendor != ''
          AND window_start >= {since:DateTime} AND window_start < {until:DateTime}
          AND ({team:String} = '' OR host_team = {team:String})
          AND ({host:String} = '' OR host = {host:String})
          AND host IN
          (
              SELECT host
              FROM {host_rollup:Rollup}
              WHERE window_start >= {since:DateTime} AND window_start < {until:DateTime}
                AND ({team:String} = '' OR host_team = {team:String})
                AND ({host:String} = '' OR host = {host:String})
              GROUP BY host
              ORDER BY sum(arraySum((k, v) -> v / 1e6 * transform(k, factors.1, factors.2, factors.3), mapKeys(service_up),
                                    mapValues(service_up))) DESC, host
              LIMIT {limit:UInt64} + 10
          )
        GROUP BY host, vendor, service
    ) AS t
    LEFT JOIN exposure_factors AS f ON f.vendor = t.vendor AND f.service = t.service
    CROSS JOIN (SELECT factor FROM exposure_factors WHERE vendor = '') AS u
    GROUP BY t.host, t.vendor
)
GROUP BY host
ORDER BY exposure DESC, host
LIMIT {limit:UInt64}
