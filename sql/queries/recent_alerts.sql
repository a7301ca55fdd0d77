-- The newest alerts, most severe first within each window: what a user sees after a run.
-- FINAL: a restored job may have written an alert twice; the table keeps one per key.
SELECT
    window_start,
    detector,
    host,
    vendor,
    round(score, 1) AS score,
    reason
FROM alerts FINAL
ORDER BY window_start DESC, score DESC
LIMIT 20
