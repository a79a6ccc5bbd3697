-- Mailbox performance over a date range (campaign traffic, from the daily rollups), with the
-- mailbox's warmup status and volume, and the health score of its latest billing period.
-- Mailboxes needing attention first: lowest health, then highest bounce rate.
-- $1 tenant (NULL: all), $2 first day, $3 day after the last, $4 company (NULL: all),
-- $5 mailbox (NULL: all), $6 limit, $7 offset.
SELECT d.mailbox_id, m.address, m.domain, m.warmup_status, m.current_volume, h.health_score, d.company_id, d.tenant_id,
       SUM(d.sent) AS sent, SUM(d.delivered) AS delivered, SUM(d.opened_tracked) AS opened_tracked,
       SUM(d.clicked_tracked) AS clicked_tracked, SUM(d.replied) AS replied, SUM(d.bounced) AS bounced,
       SUM(d.unsubscribed) AS unsubscribed, SUM(d.spam_complaints) AS spam_complaints,
       ROUND(100.0 * SUM(d.delivered) / NULLIF(SUM(d.sent), 0), 2) AS delivery_rate,
       ROUND(100.0 * SUM(d.opened_tracked) / NULLIF(SUM(d.delivered), 0), 2) AS open_rate,
       ROUND(100.0 * SUM(d.replied) / NULLIF(SUM(d.delivered), 0), 2) AS reply_rate,
       ROUND(100.0 * SUM(d.bounced) / NULLIF(SUM(d.sent), 0), 2) AS bounce_rate,
       ROUND(100.0 * SUM(d.spam_complaints) / NULLIF(SUM(d.sent), 0), 2) AS complaint_rate
FROM daily_mailbox_stats d
JOIN mailboxes m ON m.id = d.mailbox_id
LEFT JOIN (
    SELECT x.mailbox_id, x.health_score
    FROM (
        SELECT ma.mailbox_id, ma.health_score,
               ROW_NUMBER() OVER (PARTITION BY ma.mailbox_id ORDER BY b.period_start DESC) AS rn
        FROM mailbox_analytics ma
        JOIN billing_analytics b ON b.id = ma.billing_id
        WHERE CAST($1 AS TEXT) IS NULL OR b.tenant_id = CAST($1 AS TEXT)
    ) x
    WHERE x.rn = 1
) h ON h.mailbox_id = d.mailbox_id
WHERE (CAST($1 AS TEXT) IS NULL OR d.tenant_id = CAST($1 AS TEXT))
  AND d.day >= $2 AND d.day < $3
  AND (CAST($4 AS TEXT) IS NULL OR d.company_id = CAST($4 AS TEXT))
  AND (CAST($5 AS TEXT) IS NULL OR d.mailbox_id = CAST($5 AS TEXT))
GROUP BY d.mailbox_id, m.address, m.domain, m.warmup_status, m.current_volume, h.health_score, d.company_id, d.tenant_id
ORDER BY h.health_score ASC NULLS LAST, bounce_rate DESC NULLS LAST, d.mailbox_id
LIMIT $6 OFFSET $7;
