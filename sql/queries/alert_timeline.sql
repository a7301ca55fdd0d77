-- How many incidents each detector had open per time bucket (buckets without alerts are absent):
-- an incident's updates count once per bucket, as does an alert written before incidents existed.
-- @param since DateTime 1970-01-01 alerts whose window starts at or after this time
-- @param until DateTime 2106-01-01 alerts whose window starts before this time
-- @param host String '' only this host ('' for every host)
-- @param vendor String '' only this vendor ('' for every vendor)
-- @param detector String '' only this detector ('' for every detector)
-- @param bucket_seconds UInt64 3600 width of a time bucket in seconds
SELECT
    toDateTime(intDiv(toUnixTimestamp(window_start), greatest({bucket_seconds:UInt64}, 1))
               * greatest({bucket_seconds:UInt64}, 1), 'UTC') AS time,
    detector,
    uniqExact(if(incident_id = '', alert_id, incident_id)) AS alerts
FROM alerts FINAL
WHERE window_start >= {since:DateTime} AND window_start < {until:DateTime}
  AND ({host:String} = '' OR host = {host:String})
  AND ({vendor:String} = '' OR vendor = {vendor:String})
  AND ({detector:String} = '' OR detector = {detector:String})
GROUP BY time, detector
ORDER BY time, detector
