-- The guide's campaign performance dashboard over a date range, from the daily rollups:
-- counters, the guide's rates (percent, 2 places, NULL without a denominator) and ranks.
-- $1 tenant (NULL: all tenants, for the admin), $2 first day, $3 day after the last,
-- $4 company (NULL: all), $5 campaign (NULL: all), $6 limit, $7 offset.
SELECT x.*,
       RANK() OVER (ORDER BY x.sent DESC) AS rank_by_volume,
       RANK() OVER (ORDER BY x.open_rate DESC NULLS LAST) AS rank_by_open_rate,
       RANK() OVER (ORDER BY x.reply_rate DESC NULLS LAST) AS rank_by_reply_rate
FROM (
    SELECT d.campaign_id, c.name AS campaign_name, c.status, d.company_id, d.tenant_id,
           SUM(d.sent) AS sent, SUM(d.delivered) AS delivered, SUM(d.opened_tracked) AS opened_tracked,
           SUM(d.clicked_tracked) AS clicked_tracked, SUM(d.replied) AS replied, SUM(d.bounced) AS bounced,
           SUM(d.unsubscribed) AS unsubscribed, SUM(d.spam_complaints) AS spam_complaints,
           ROUND(100.0 * SUM(d.delivered) / NULLIF(SUM(d.sent), 0), 2) AS delivery_rate,
           ROUND(100.0 * SUM(d.opened_tracked) / NULLIF(SUM(d.delivered), 0), 2) AS open_rate,
           ROUND(100.0 * SUM(d.clicked_tracked) / NULLIF(SUM(d.delivered), 0), 2) AS click_rate,
           ROUND(100.0 * SUM(d.replied) / NULLIF(SUM(d.delivered), 0), 2) AS reply_rate,
           ROUND(100.0 * SUM(d.bounced) / NULLIF(SUM(d.sent), 0), 2) AS bounce_rate
    FROM daily_campaign_stats d
    JOIN campaigns c ON c.id = d.campaign_id
    WHERE (CAST($1 AS TEXT) IS NULL OR d.tenant_id = CAST($1 AS TEXT))
      AND d.day >= $2 AND d.day < $3
      AND (CAST($4 AS TEXT) IS NULL OR d.company_id = CAST($4 AS TEXT))
      AND (CAST($5 AS TEXT) IS NULL OR d.campaign_id = CAST($5 AS TEXT))
    GROUP BY d.campaign_id, c.name, c.status, d.company_id, d.tenant_id
) x
ORDER BY rank_by_volume, x.campaign_id
LIMIT $6 OFFSET $7;
