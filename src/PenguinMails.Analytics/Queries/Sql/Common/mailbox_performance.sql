-- Mailbox performance over a date range (campaign traffic, from the daily rollups), with the
-- mailbox's warmup status and volume, and the health score of its latest billing period.
-- Mailboxes needing attention first: lowest health, then highest bounce rate.
-- $1 tenant (NULL: all), $2 first day, $3 day after the last, $4 company (NULL: all),
-- $5 mailbox (NULL: all), $6 limit, $7 offset.
WITH g AS (
    SELECT d.mailbox_id, d.company_id, d.tenant_id,
           SUM(d.sent) AS sent, SUM(d.delivered) AS delivered, SUM(d.opened_tracked) AS opened_tracked,
           SUM(d.clicked_tracked) AS clicked_tracked, SUM(d.replied) AS replied, SUM(d.bounced) AS bounced,
           SUM(d.unsubscribed) AS unsubscribed, SUM(d.spam_complaints) AS spam_complaints,
           SUM(d.opened_human) AS opened_human, SUM(d.clicked_human) AS clicked_human, SUM(d.replied_human) AS replied_human,
           SUM(d.replied_auto) AS replied_auto, SUM(d.replied_positive) AS replied_positive
    FROM daily_mailbox_stats d
    WHERE (CAST($1 AS TEXT) IS NULL OR d.tenant_id = CAST($1 AS TEXT))
      AND d.day >= $2 AND d.day < $3
      AND (CAST($4 AS TEXT) IS NULL OR d.company_id = CAST($4 AS TEXT))
      AND (CAST($5 AS TEXT) IS NULL OR d.mailbox_id = CAST($5 AS TEXT))
    GROUP BY d.mailbox_id, d.company_id, d.tenant_id
)
SELECT g.mailbox_id, m.address, m.domain, m.warmup_status, m.current_volume,
       -- The health of the mailbox's latest billing period. A mailbox has a row for each period it
       -- sent in, and periods do not overlap, so that is its row with the latest send: found by
       -- the mailbox's index, without a join on the partitioned billing table (which cost
       -- PostgreSQL more to plan than the rest of the read).
       (SELECT ma.health_score FROM mailbox_analytics ma WHERE ma.mailbox_id = g.mailbox_id
        ORDER BY ma.last_sent_at DESC NULLS LAST LIMIT 1) AS health_score,
       g.company_id, g.tenant_id, g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced,
       g.unsubscribed, g.spam_complaints, g.opened_human, g.clicked_human, g.replied_human, g.replied_auto, g.replied_positive,
       ROUND(100.0 * g.delivered / NULLIF(g.sent, 0), 2) AS delivery_rate,
       ROUND(100.0 * g.opened_tracked / NULLIF(g.delivered, 0), 2) AS open_rate,
       ROUND(100.0 * g.replied / NULLIF(g.delivered, 0), 2) AS reply_rate,
       ROUND(100.0 * g.bounced / NULLIF(g.sent, 0), 2) AS bounce_rate,
       ROUND(100.0 * g.spam_complaints / NULLIF(g.sent, 0), 2) AS complaint_rate,
       ROUND(100.0 * g.opened_human / NULLIF(g.delivered, 0), 2) AS human_open_rate,
       ROUND(100.0 * g.clicked_human / NULLIF(g.delivered, 0), 2) AS human_click_rate,
       ROUND(100.0 * g.replied_human / NULLIF(g.delivered, 0), 2) AS human_reply_rate,
       ROUND(100.0 * g.replied_positive / NULLIF(g.delivered, 0), 2) AS positive_reply_rate
FROM g
JOIN mailboxes m ON m.id = g.mailbox_id
ORDER BY health_score ASC NULLS LAST, bounce_rate DESC NULLS LAST, g.mailbox_id
LIMIT $6 OFFSET $7;
