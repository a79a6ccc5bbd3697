-- Lead engagement in one campaign, per lead, over the billing periods that overlap the range
-- (lead rows are kept per billing period, not per day). $1 tenant (NULL: all), $2 first day,
-- $3 day after the last, $4 campaign, $5 search (NULL: every lead; else a case-insensitive part
-- of the lead's id or address), $6 limit, $7 offset.
SELECT la.lead_id, l.address AS lead_address, l.status, la.campaign_id, la.company_id,
       SUM(la.sent) AS sent, SUM(la.delivered) AS delivered, SUM(la.opened_tracked) AS opened_tracked,
       SUM(la.clicked_tracked) AS clicked_tracked, SUM(la.replied) AS replied, SUM(la.bounced) AS bounced,
       SUM(la.unsubscribed) AS unsubscribed, SUM(la.spam_complaints) AS spam_complaints,
       SUM(la.opened_human) AS opened_human, SUM(la.clicked_human) AS clicked_human, SUM(la.replied_human) AS replied_human,
       SUM(la.replied_auto) AS replied_auto, SUM(la.replied_positive) AS replied_positive,
       ROUND(100.0 * SUM(la.opened_human) / NULLIF(SUM(la.delivered), 0), 2) AS human_open_rate,
       ROUND(100.0 * SUM(la.clicked_human) / NULLIF(SUM(la.delivered), 0), 2) AS human_click_rate,
       ROUND(100.0 * SUM(la.replied_human) / NULLIF(SUM(la.delivered), 0), 2) AS human_reply_rate,
       ROUND(100.0 * SUM(la.replied_positive) / NULLIF(SUM(la.delivered), 0), 2) AS positive_reply_rate,
       -- What the lead did, people's actions first: an automatic reply or a machine's open is not engagement.
       CASE WHEN SUM(la.replied_positive) > 0 THEN 'positive reply'
            WHEN SUM(la.replied_human) > 0 THEN 'replied'
            WHEN SUM(la.clicked_human) > 0 THEN 'clicked'
            WHEN SUM(la.opened_human) > 0 THEN 'opened'
            WHEN SUM(la.replied_auto) > 0 THEN 'automatic reply'
            WHEN SUM(la.opened_tracked) + SUM(la.clicked_tracked) > 0 THEN 'machine opens only'
            WHEN SUM(la.bounced) > 0 THEN 'bounced'
            ELSE 'no engagement' END AS engagement
FROM lead_analytics la
JOIN billing_analytics b ON b.id = la.billing_id
CROSS JOIN (SELECT penguin_tenant_ts($2, CAST($1 AS TEXT)) AS from_ts, penguin_tenant_ts($3, CAST($1 AS TEXT)) AS to_ts OFFSET 0) r
JOIN leads l ON l.id = la.lead_id
WHERE (CAST($1 AS TEXT) IS NULL OR b.tenant_id = CAST($1 AS TEXT))
  -- The range's bounds in the tenant's zone come from `r`, kept apart, and the same periods in
  -- bounds PostgreSQL plans with (see campaign_dashboard.sql).
  AND b.period_end > r.from_ts AND b.period_start < r.to_ts
  AND b.period_start < penguin_utc_ts($3 + 1) AND b.period_start > penguin_utc_ts($2 - 33)
  AND la.campaign_id = $4
  AND (CAST($5 AS TEXT) IS NULL
       OR strpos(lower(la.lead_id), lower(CAST($5 AS TEXT))) > 0
       OR strpos(lower(COALESCE(l.address, '')), lower(CAST($5 AS TEXT))) > 0)
GROUP BY la.lead_id, l.address, l.status, la.campaign_id, la.company_id
ORDER BY SUM(la.replied_positive) DESC, SUM(la.replied_human) DESC, SUM(la.clicked_human) DESC, SUM(la.opened_human) DESC,
         SUM(la.replied) DESC, SUM(la.clicked_tracked) DESC, SUM(la.opened_tracked) DESC, la.lead_id
LIMIT $6 OFFSET $7;
