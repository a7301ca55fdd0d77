-- Flow records stored per sensor: rows, distinct sequence numbers and their range. A sensor
-- numbers its records 1, 2, 3, ...: fewer distinct numbers than rows means duplicates, a range
-- wider than the distinct numbers means records that never arrived.
-- @param since DateTime 1970-01-01 records whose flow was last seen at or after this time
SELECT
    sensor_id,
    count()             AS rows,
    uniqExact(sequence) AS sequences,
    min(sequence)       AS first_sequence,
    max(sequence)       AS last_sequence
FROM flows
WHERE last_seen >= {since:DateTime}
GROUP BY sensor_id
ORDER BY sensor_id
