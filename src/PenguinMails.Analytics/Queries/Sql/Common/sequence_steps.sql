-- Steps of one campaign over a date range (from the daily rollups), by step number and variant,
-- for the step funnel and the A/B comparison. $1 tenant (NULL: all), $2 first day,
-- $3 day after the last, $4 campaign.
SELECT s.id AS step_id, s.step_number, s.variant, s.campaign_id,
       COALESCE(SUM(d.sent), 0) AS sent, COALESCE(SUM(d.delivered), 0) AS delivered,
       COALESCE(SUM(d.opened_tracked), 0) AS opened_tracked, COALESCE(SUM(d.clicked_tracked), 0) AS clicked_tracked,
       COALESCE(SUM(d.replied), 0) AS replied, COALESCE(SUM(d.bounced), 0) AS bounced,
       COALESCE(SUM(d.unsubscribed), 0) AS unsubscribed, COALESCE(SUM(d.spam_complaints), 0) AS spam_complaints
FROM sequence_steps s
JOIN companies co ON co.id = s.company_id
LEFT JOIN daily_step_stats d ON d.step_id = s.id AND d.day >= $2 AND d.day < $3
WHERE (CAST($1 AS TEXT) IS NULL OR co.tenant_id = CAST($1 AS TEXT))
  AND s.campaign_id = $4
GROUP BY s.id, s.step_number, s.variant, s.campaign_id
ORDER BY s.step_number, s.variant, s.id;
