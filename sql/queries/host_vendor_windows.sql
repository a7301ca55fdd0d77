-- The stored per host × vendor × service minutes in the shape of the job's windows
-- (schemas/avro/HostVendorWindow.avsc, without top_uploads, which the table does not keep), oldest
-- first: what `agentwatch backtest` replays through the detectors. FINAL keeps the newest state of
-- each window.
-- @param since DateTime 1970-01-01 windows that start at or after this time
-- @param until DateTime 2106-01-01 windows that start before this time
-- @param host String '' only this host ('' for every host)
-- @param vendor String '' only this vendor ('' for every vendor)
SELECT
    host,
    vendor,
    service,
    window_start,
    bytes_up,
    bytes_down,
    packets_up,
    packets_down,
    flows,
    distinct_destinations,
    max_upload
FROM host_vendor_service_1m FINAL
WHERE window_start >= {since:DateTime} AND window_start < {until:DateTime}
  AND ({host:String} = '' OR host = {host:String})
  AND ({vendor:String} = '' OR vendor = {vendor:String})
ORDER BY window_start, host, vendor, service
