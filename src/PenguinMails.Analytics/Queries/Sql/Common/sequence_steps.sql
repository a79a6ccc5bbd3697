-- Steps of one campaign over a date range (from the daily rollups), by step number and variant,
-- for the step funnel and the A/B comparison, with the distinct leads of the billing periods that
-- overlap the range (see campaign_dashboard.sql). $1 tenant (NULL: all), $2 first day,
-- $3 day after the last, $4 campaign.
SELECT s.id AS step_id, s.step_number, s.variant, s.campaign_id,
       COALESCE(SUM(d.sent), 0) AS sent, COALESCE(SUM(d.delivered), 0) AS delivered,
       COALESCE(SUM(d.opened_tracked), 0) AS opened_tracked, COALESCE(SUM(d.clicked_tracked), 0) AS clicked_tracked,
       COALESCE(SUM(d.replied), 0) AS replied, COALESCE(SUM(d.bounced), 0) AS bounced,
       COALESCE(SUM(d.unsubscribed), 0) AS unsubscribed, COALESCE(SUM(d.spam_complaints), 0) AS spam_complaints,
       COALESCE(SUM(d.opened_human), 0) AS opened_human, COALESCE(SUM(d.clicked_human), 0) AS clicked_human,
       COALESCE(SUM(d.replied_human), 0) AS replied_human, COALESCE(SUM(d.replied_auto), 0) AS replied_auto,
       COALESCE(SUM(d.replied_positive), 0) AS replied_positive,
       COALESCE(MAX(l.leads_contacted), 0) AS leads_contacted, COALESCE(MAX(l.leads_replied), 0) AS leads_replied,
       COALESCE(MAX(l.leads_positive), 0) AS leads_positive
FROM sequence_steps s
JOIN companies co ON co.id = s.company_id
LEFT JOIN daily_step_stats d ON d.step_id = s.id AND d.day >= $2 AND d.day < $3
LEFT JOIN (
    SELECT sa.step_id, SUM(sa.leads_contacted) AS leads_contacted, SUM(sa.leads_replied) AS leads_replied, SUM(sa.leads_positive) AS leads_positive
    FROM sequence_step_analytics sa
    JOIN billing_analytics b ON b.id = sa.billing_id
    CROSS JOIN (SELECT penguin_tenant_ts($2, CAST($1 AS TEXT)) AS from_ts, penguin_tenant_ts($3, CAST($1 AS TEXT)) AS to_ts OFFSET 0) r
    WHERE (CAST($1 AS TEXT) IS NULL OR b.tenant_id = CAST($1 AS TEXT))
      -- The range's bounds in the tenant's zone come from `r`, kept apart, and the same periods in
      -- bounds PostgreSQL plans with (see campaign_dashboard.sql).
      AND b.period_end > r.from_ts AND b.period_start < r.to_ts
      AND b.period_start < penguin_utc_ts($3 + 1) AND b.period_start > penguin_utc_ts($2 - 33)
      AND sa.campaign_id = $4
    GROUP BY sa.step_id
) l ON l.step_id = s.id
WHERE (CAST($1 AS TEXT) IS NULL OR co.tenant_id = CAST($1 AS TEXT))
  AND s.campaign_id = $4
GROUP BY s.id, s.step_number, s.variant, s.campaign_id
ORDER BY s.step_number, s.variant, s.id;
