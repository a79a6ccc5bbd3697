-- Daily series of every counter and rate of one entity, one row per day with traffic. A template:
-- {rollup} and {key} are filled from ScopedQuery's fixed list (daily_campaign_stats / campaign_id,
-- daily_step_stats / step_id, daily_mailbox_stats / mailbox_id, daily_tenant_stats / tenant_id),
-- never from input. $1 tenant (NULL: all), $2 first day, $3 day after the last, $4 the entity's id
-- (NULL: every entity of the scope, summed per day).
SELECT d.day, SUM(d.sent) AS sent, SUM(d.delivered) AS delivered, SUM(d.opened_tracked) AS opened_tracked,
       SUM(d.clicked_tracked) AS clicked_tracked, SUM(d.replied) AS replied, SUM(d.bounced) AS bounced,
       SUM(d.unsubscribed) AS unsubscribed, SUM(d.spam_complaints) AS spam_complaints,
       SUM(d.opened_human) AS opened_human, SUM(d.clicked_human) AS clicked_human, SUM(d.replied_human) AS replied_human,
       SUM(d.replied_auto) AS replied_auto, SUM(d.replied_positive) AS replied_positive,
       ROUND(100.0 * SUM(d.delivered) / NULLIF(SUM(d.sent), 0), 2) AS delivery_rate,
       ROUND(100.0 * SUM(d.opened_tracked) / NULLIF(SUM(d.delivered), 0), 2) AS open_rate,
       ROUND(100.0 * SUM(d.clicked_tracked) / NULLIF(SUM(d.delivered), 0), 2) AS click_rate,
       ROUND(100.0 * SUM(d.replied) / NULLIF(SUM(d.delivered), 0), 2) AS reply_rate,
       ROUND(100.0 * SUM(d.bounced) / NULLIF(SUM(d.sent), 0), 2) AS bounce_rate,
       ROUND(100.0 * SUM(d.spam_complaints) / NULLIF(SUM(d.sent), 0), 2) AS complaint_rate,
       ROUND(100.0 * SUM(d.opened_human) / NULLIF(SUM(d.delivered), 0), 2) AS human_open_rate,
       ROUND(100.0 * SUM(d.clicked_human) / NULLIF(SUM(d.delivered), 0), 2) AS human_click_rate,
       ROUND(100.0 * SUM(d.replied_human) / NULLIF(SUM(d.delivered), 0), 2) AS human_reply_rate,
       ROUND(100.0 * SUM(d.replied_positive) / NULLIF(SUM(d.delivered), 0), 2) AS positive_reply_rate
FROM {rollup} d
WHERE (CAST($1 AS TEXT) IS NULL OR d.tenant_id = CAST($1 AS TEXT))
  AND d.day >= $2 AND d.day < $3
  AND (CAST($4 AS TEXT) IS NULL OR d.{key} = CAST($4 AS TEXT))
GROUP BY d.day
ORDER BY d.day;
