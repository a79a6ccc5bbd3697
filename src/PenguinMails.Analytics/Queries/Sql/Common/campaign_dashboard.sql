-- The guide's campaign performance dashboard over a date range, from the daily rollups:
-- counters, the guide's rates (percent, 2 places, NULL without a denominator) and ranks; the
-- trusted counters beside them (human opens, clicks and replies, automatic and positive replies)
-- with their rates, and the distinct leads of the billing periods that overlap the range (leads
-- are counted per period: a lead contacted in two periods counts in each).
-- $1 tenant (NULL: all tenants, for the admin), $2 first day, $3 day after the last,
-- $4 company (NULL: all), $5 campaign (NULL: all), $6 limit, $7 offset.
SELECT x.*,
       COALESCE(l.leads_contacted, 0) AS leads_contacted, COALESCE(l.leads_replied, 0) AS leads_replied,
       COALESCE(l.leads_positive, 0) AS leads_positive,
       ROUND(100.0 * l.leads_replied / NULLIF(l.leads_contacted, 0), 2) AS lead_reply_rate,
       ROUND(100.0 * l.leads_positive / NULLIF(l.leads_contacted, 0), 2) AS lead_positive_rate,
       RANK() OVER (ORDER BY x.sent DESC) AS rank_by_volume,
       RANK() OVER (ORDER BY x.open_rate DESC NULLS LAST) AS rank_by_open_rate,
       RANK() OVER (ORDER BY x.reply_rate DESC NULLS LAST) AS rank_by_reply_rate
FROM (
    SELECT d.campaign_id, c.name AS campaign_name, c.status, d.company_id, d.tenant_id,
           SUM(d.sent) AS sent, SUM(d.delivered) AS delivered, SUM(d.opened_tracked) AS opened_tracked,
           SUM(d.clicked_tracked) AS clicked_tracked, SUM(d.replied) AS replied, SUM(d.bounced) AS bounced,
           SUM(d.unsubscribed) AS unsubscribed, SUM(d.spam_complaints) AS spam_complaints,
           SUM(d.opened_human) AS opened_human, SUM(d.clicked_human) AS clicked_human, SUM(d.replied_human) AS replied_human,
           SUM(d.replied_auto) AS replied_auto, SUM(d.replied_positive) AS replied_positive,
           ROUND(100.0 * SUM(d.delivered) / NULLIF(SUM(d.sent), 0), 2) AS delivery_rate,
           ROUND(100.0 * SUM(d.opened_tracked) / NULLIF(SUM(d.delivered), 0), 2) AS open_rate,
           ROUND(100.0 * SUM(d.clicked_tracked) / NULLIF(SUM(d.delivered), 0), 2) AS click_rate,
           ROUND(100.0 * SUM(d.replied) / NULLIF(SUM(d.delivered), 0), 2) AS reply_rate,
           ROUND(100.0 * SUM(d.bounced) / NULLIF(SUM(d.sent), 0), 2) AS bounce_rate,
           ROUND(100.0 * SUM(d.opened_human) / NULLIF(SUM(d.delivered), 0), 2) AS human_open_rate,
           ROUND(100.0 * SUM(d.clicked_human) / NULLIF(SUM(d.delivered), 0), 2) AS human_click_rate,
           ROUND(100.0 * SUM(d.replied_human) / NULLIF(SUM(d.delivered), 0), 2) AS human_reply_rate,
           ROUND(100.0 * SUM(d.replied_positive) / NULLIF(SUM(d.delivered), 0), 2) AS positive_reply_rate
    FROM daily_campaign_stats d
    JOIN campaigns c ON c.id = d.campaign_id
    WHERE (CAST($1 AS TEXT) IS NULL OR d.tenant_id = CAST($1 AS TEXT))
      AND d.day >= $2 AND d.day < $3
      AND (CAST($4 AS TEXT) IS NULL OR d.company_id = CAST($4 AS TEXT))
      AND (CAST($5 AS TEXT) IS NULL OR d.campaign_id = CAST($5 AS TEXT))
    GROUP BY d.campaign_id, c.name, c.status, d.company_id, d.tenant_id
) x
LEFT JOIN (
    SELECT ca.campaign_id, SUM(ca.leads_contacted) AS leads_contacted, SUM(ca.leads_replied) AS leads_replied, SUM(ca.leads_positive) AS leads_positive
    FROM campaign_analytics ca
    JOIN billing_analytics b ON b.id = ca.billing_id
    CROSS JOIN (SELECT penguin_tenant_ts($2, CAST($1 AS TEXT)) AS from_ts, penguin_tenant_ts($3, CAST($1 AS TEXT)) AS to_ts OFFSET 0) r
    WHERE (CAST($1 AS TEXT) IS NULL OR b.tenant_id = CAST($1 AS TEXT))
      -- The range's bounds in the tenant's zone come from `r`, a sub-query PostgreSQL keeps apart (OFFSET
      -- 0): inlined, the zone lookup went into the filter of every partition of billing_analytics (10-13 ms
      -- of planning per read; the campaign report 16 ms -> 4 ms). Not an init plan either: postgres_fdw
      -- evaluates those with search_path = pg_catalog, where the lookup finds no `tenants`.
      AND b.period_end > r.from_ts AND b.period_start < r.to_ts
      -- The same periods, in bounds PostgreSQL computes while planning, so that it plans only the
      -- partitions of billing_analytics they can be in (the read's planning 2.4 -> 1.1 ms): a
      -- period lasts one month (31 days at most) and a zone's midnight is within a day of UTC's.
      AND b.period_start < penguin_utc_ts($3 + 1) AND b.period_start > penguin_utc_ts($2 - 33)
      AND (CAST($4 AS TEXT) IS NULL OR ca.company_id = CAST($4 AS TEXT))
      AND (CAST($5 AS TEXT) IS NULL OR ca.campaign_id = CAST($5 AS TEXT))
    GROUP BY ca.campaign_id
) l ON l.campaign_id = x.campaign_id
ORDER BY rank_by_volume, x.campaign_id
LIMIT $6 OFFSET $7;
