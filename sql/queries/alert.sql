-- One alert with every stored field (those of the alerts query and the table's others), by its id.
-- @param alert_id String required the alert's id
SELECT * EXCEPT (ingested_at)
FROM alerts FINAL
WHERE alert_id = {alert_id:String}
LIMIT 1
