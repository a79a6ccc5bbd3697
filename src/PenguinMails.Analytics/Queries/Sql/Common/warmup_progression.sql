-- The guide's warmup progression analysis over a date range of warmup days, with its
-- categories (by average health: Excellent >= 80, Good >= 60, Fair >= 40, else Poor) and at
-- least 3 days of tracking. Progress velocity is the day-over-day change of progress_percentage.
-- $1 tenant (NULL: all), $2 first day, $3 day after the last, $4 company (NULL: all), $5 limit, $6 offset.
WITH warmup_progress AS (
    SELECT w.mailbox_id, w.company_id, co.tenant_id, w.snapshot_date, w.health_score, w.progress_percentage, w.sent, w.delivered,
           ROUND(100.0 * w.delivered / NULLIF(w.sent, 0), 2) AS delivery_rate,
           w.progress_percentage - LAG(w.progress_percentage) OVER (PARTITION BY w.mailbox_id ORDER BY w.snapshot_date) AS daily_progress_increase
    FROM warmup_analytics w
    JOIN companies co ON co.id = w.company_id
    WHERE (CAST($1 AS TEXT) IS NULL OR co.tenant_id = CAST($1 AS TEXT))
      AND w.snapshot_date >= $2 AND w.snapshot_date < $3
      AND (CAST($4 AS TEXT) IS NULL OR w.company_id = CAST($4 AS TEXT))
)
SELECT mailbox_id, company_id, tenant_id,
       ROUND(AVG(health_score), 2) AS avg_health_score,
       ROUND(AVG(progress_percentage), 2) AS avg_progress,
       ROUND(AVG(delivery_rate), 2) AS avg_delivery_rate,
       ROUND(AVG(daily_progress_increase), 2) AS avg_daily_progress,
       MAX(progress_percentage) AS latest_progress,
       SUM(sent) AS sent,
       COUNT(*) AS tracking_days,
       CASE WHEN AVG(health_score) >= 80 THEN 'Excellent'
            WHEN AVG(health_score) >= 60 THEN 'Good'
            WHEN AVG(health_score) >= 40 THEN 'Fair'
            ELSE 'Poor' END AS warmup_category
FROM warmup_progress
GROUP BY mailbox_id, company_id, tenant_id
HAVING COUNT(*) >= 3
ORDER BY avg_health_score DESC NULLS LAST, avg_progress DESC NULLS LAST, mailbox_id
LIMIT $5 OFFSET $6;
