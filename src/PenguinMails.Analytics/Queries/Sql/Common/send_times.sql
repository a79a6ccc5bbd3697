-- Best send times: campaign traffic by the tenant's local weekday (ISO: 1 Monday .. 7 Sunday) and
-- hour of sending, with the human reply rate and the positive reply rate (percent of delivered,
-- 2 places, NULL without deliveries) and the counts behind them, so that a heatmap can grey out
-- cells with too few emails. From send_time_stats over the billing periods that overlap the range.
-- $1 tenant (NULL: all, for the admin), $2 first day, $3 day after the last, $4 campaign (NULL: all).
SELECT s.weekday, s.hour,
       SUM(s.sent) AS sent, SUM(s.delivered) AS delivered, SUM(s.replied_human) AS replied_human, SUM(s.replied_positive) AS replied_positive,
       ROUND(100.0 * SUM(s.replied_human) / NULLIF(SUM(s.delivered), 0), 2) AS human_reply_rate,
       ROUND(100.0 * SUM(s.replied_positive) / NULLIF(SUM(s.delivered), 0), 2) AS positive_reply_rate
FROM send_time_stats s
JOIN billing_analytics b ON b.id = s.billing_id
CROSS JOIN (SELECT penguin_tenant_ts($2, CAST($1 AS TEXT)) AS from_ts, penguin_tenant_ts($3, CAST($1 AS TEXT)) AS to_ts OFFSET 0) r
WHERE (CAST($1 AS TEXT) IS NULL OR s.tenant_id = CAST($1 AS TEXT))
  -- The range's bounds in the tenant's zone come from `r`, kept apart, and the same periods in
  -- bounds PostgreSQL plans with (see campaign_dashboard.sql).
  AND b.period_end > r.from_ts AND b.period_start < r.to_ts
  AND b.period_start < penguin_utc_ts($3 + 1) AND b.period_start > penguin_utc_ts($2 - 33)
  AND (CAST($4 AS TEXT) IS NULL OR s.campaign_id = CAST($4 AS TEXT))
GROUP BY s.weekday, s.hour
ORDER BY s.weekday, s.hour;
