-- One host's TLS clients by JA4 fingerprint and AI vendor in a time range: which programs (an
-- agent CLI, a browser, an SDK) talk to which vendor. ja4 '' gathers flows without a ClientHello.
-- client, client_kind: the catalogued clients seen with that JA4 and their kinds, from the client
-- catalog (table clients, docs/catalog.md "Clients"); several when they share a TLS stack (every
-- Node.js program sends Node's ClientHello), '' when the JA4 is not catalogued.
-- @param host String required the host
-- @param since DateTime 1970-01-01 flows last seen at or after this time
-- @param until DateTime 2106-01-01 flows last seen before this time
SELECT
    f.ja4                       AS ja4,
    vendor,
    service,
    count()                     AS flows,
    sum(bytes_up)               AS bytes_up,
    sum(bytes_down)             AS bytes_down,
    toDateTime(min(first_seen)) AS first_seen,
    toDateTime(max(last_seen))  AS last_seen,
    any(c.clients)              AS client,
    any(c.client_kind)          AS client_kind
FROM flows AS f
LEFT JOIN clients AS c ON c.ja4 = f.ja4
WHERE vendor != '' AND host = {host:String}
  AND f.last_seen >= {since:DateTime} AND f.last_seen < {until:DateTime}
GROUP BY ja4, vendor, service
ORDER BY bytes_up DESC, ja4, vendor, service
