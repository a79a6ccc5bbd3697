-- The guide's tenant usage analytics: billing periods starting in the range, with efficiency and
-- month-over-month growth of emails sent (the previous period of the same tenant, even when it
-- starts before the range). $1 tenant (NULL: all tenants, for the admin), $2 first day,
-- $3 day after the last, $4 limit, $5 offset.
SELECT x.*
FROM (
    SELECT b.tenant_id, b.period_start, b.period_end, b.emails_sent, b.mailboxes_used, b.domains_used,
           b.campaigns_used, b.leads_used, b.warmups_active,
           ROUND(1.0 * b.emails_sent / NULLIF(b.mailboxes_used, 0), 2) AS emails_per_mailbox,
           ROUND(1.0 * b.emails_sent / NULLIF(b.campaigns_used, 0), 2) AS emails_per_campaign,
           LAG(b.emails_sent) OVER (PARTITION BY b.tenant_id ORDER BY b.period_start) AS prev_month_emails,
           ROUND(100.0 * (b.emails_sent - LAG(b.emails_sent) OVER (PARTITION BY b.tenant_id ORDER BY b.period_start))
                 / NULLIF(LAG(b.emails_sent) OVER (PARTITION BY b.tenant_id ORDER BY b.period_start), 0), 2) AS month_over_month_growth
    FROM billing_analytics b
    WHERE (CAST($1 AS TEXT) IS NULL OR b.tenant_id = CAST($1 AS TEXT))
      -- Periods after the range change no growth in it (LAG looks back); PostgreSQL leaves their
      -- partitions out while planning.
      AND b.period_start < penguin_utc_ts($3)
) x
WHERE x.period_start >= penguin_utc_ts($2) AND x.period_start < penguin_utc_ts($3)
ORDER BY x.tenant_id, x.period_start
LIMIT $4 OFFSET $5;
