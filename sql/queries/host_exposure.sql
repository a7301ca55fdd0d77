-- The hosts whose uploads to AI vendors weigh most in a time range: each host's exposure is the
-- megabytes (10^6 bytes) it uploaded to each vendor × service times that service's factor from
-- exposure_factors (what the vendor does with the data × the policy tag; the formula is defined
-- there, migration 050, and explained in docs/exposure.md), summed. With the host's team, upload,
-- how many vendors it used and the vendor that weighs most. A service the vendors table does not
-- list counts with the factor of the view's '' row (unknown facts, unreviewed).
-- Reads the smallest host_rollup table that answers the range (a row per host and bucket with its
-- bytes up per 'vendor/service', vendor ids hold no '/': sql/README.md) twice: it ranks every host
-- on its rows' products, then weighs the {limit} + 10 first per vendor from the same rows summed per
-- host. The ten more keep a host whose rank moved by a float rounding (the ranking adds the same
-- products in another order) on the page.
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
    SELECT host, substring(key, 1, position(key, '/') - 1) AS vendor, max(team) AS team, sum(service_bytes) AS up,
           sum(service_bytes / 1e6 * transform(key, factors.1, factors.2, factors.3)) AS vendor_exposure
    FROM
    (
        SELECT host, max(host_team) AS team, sumMap(service_up) AS sent
        FROM {host_rollup:Rollup}
        WHERE window_start >= {since:DateTime} AND window_start < {until:DateTime}
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
        GROUP BY host
    )
    ARRAY JOIN mapKeys(sent) AS key, mapValues(sent) AS service_bytes
    GROUP BY host, vendor
)
GROUP BY host
ORDER BY exposure DESC, host
LIMIT {limit:UInt64}
