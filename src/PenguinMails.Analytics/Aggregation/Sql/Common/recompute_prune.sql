-- Recompute, step 3 (after apply.sql, before refresh_attributes.sql): apply.sql set every row that
-- the scope's emails give; the rows of the scope that they no longer give (their emails were
-- erased or moved, or the row should never have been there) go, and so do billing periods of the
-- scope with nothing in them. Before the attributes and billing usage are counted from these tables.

-- Sizes for the planner (PostgreSQL plans temp tables blind; DuckDB runs the scripts without ANALYZE).
ANALYZE delta_daily_campaign_stats;
ANALYZE delta_daily_step_stats;
ANALYZE delta_daily_mailbox_stats;
ANALYZE delta_lead_analytics;
ANALYZE delta_send_time_stats;

DELETE FROM daily_campaign_stats
WHERE EXISTS (SELECT 1 FROM recompute_scope s
              WHERE s.tenant_id = daily_campaign_stats.tenant_id
                AND daily_campaign_stats.day >= s.from_day AND daily_campaign_stats.day < s.to_day)
  AND NOT EXISTS (SELECT 1 FROM delta_daily_campaign_stats d
                  WHERE d.campaign_id = daily_campaign_stats.campaign_id AND d.day = daily_campaign_stats.day);

DELETE FROM daily_step_stats
WHERE EXISTS (SELECT 1 FROM recompute_scope s
              WHERE s.tenant_id = daily_step_stats.tenant_id
                AND daily_step_stats.day >= s.from_day AND daily_step_stats.day < s.to_day)
  AND NOT EXISTS (SELECT 1 FROM delta_daily_step_stats d
                  WHERE d.step_id = daily_step_stats.step_id AND d.day = daily_step_stats.day);

DELETE FROM daily_mailbox_stats
WHERE EXISTS (SELECT 1 FROM recompute_scope s
              WHERE s.tenant_id = daily_mailbox_stats.tenant_id
                AND daily_mailbox_stats.day >= s.from_day AND daily_mailbox_stats.day < s.to_day)
  AND NOT EXISTS (SELECT 1 FROM delta_daily_mailbox_stats d
                  WHERE d.mailbox_id = daily_mailbox_stats.mailbox_id AND d.day = daily_mailbox_stats.day);

DELETE FROM daily_tenant_stats
WHERE EXISTS (SELECT 1 FROM recompute_scope s
              WHERE s.tenant_id = daily_tenant_stats.tenant_id
                AND daily_tenant_stats.day >= s.from_day AND daily_tenant_stats.day < s.to_day)
  AND NOT EXISTS (SELECT 1 FROM delta_daily_tenant_stats d
                  WHERE d.tenant_id = daily_tenant_stats.tenant_id AND d.day = daily_tenant_stats.day);

DELETE FROM campaign_analytics
WHERE billing_id IN (SELECT id FROM recompute_billing)
  AND NOT EXISTS (SELECT 1 FROM delta_campaign_analytics d
                  WHERE d.campaign_id = campaign_analytics.campaign_id AND d.billing_id = campaign_analytics.billing_id);

DELETE FROM sequence_step_analytics
WHERE billing_id IN (SELECT id FROM recompute_billing)
  AND NOT EXISTS (SELECT 1 FROM delta_sequence_step_analytics d
                  WHERE d.step_id = sequence_step_analytics.step_id AND d.billing_id = sequence_step_analytics.billing_id);

DELETE FROM lead_analytics
WHERE billing_id IN (SELECT id FROM recompute_billing)
  AND NOT EXISTS (SELECT 1 FROM delta_lead_analytics d
                  WHERE d.lead_id = lead_analytics.lead_id AND d.campaign_id = lead_analytics.campaign_id
                    AND d.billing_id = lead_analytics.billing_id);

DELETE FROM mailbox_analytics
WHERE billing_id IN (SELECT id FROM recompute_billing)
  AND NOT EXISTS (SELECT 1 FROM delta_mailbox_analytics d
                  WHERE d.mailbox_id = mailbox_analytics.mailbox_id AND d.billing_id = mailbox_analytics.billing_id);

DELETE FROM warmup_analytics
WHERE billing_id IN (SELECT id FROM recompute_billing)
  AND NOT EXISTS (SELECT 1 FROM delta_warmup_analytics d
                  WHERE d.mailbox_id = warmup_analytics.mailbox_id AND d.snapshot_date = warmup_analytics.snapshot_date);

DELETE FROM send_time_stats
WHERE billing_id IN (SELECT id FROM recompute_billing)
  AND NOT EXISTS (SELECT 1 FROM delta_send_time_stats d
                  WHERE d.campaign_id = send_time_stats.campaign_id AND d.billing_id = send_time_stats.billing_id
                    AND d.weekday = send_time_stats.weekday AND d.hour = send_time_stats.hour);

DELETE FROM billing_analytics
WHERE id IN (SELECT id FROM recompute_billing)
  AND NOT EXISTS (SELECT 1 FROM agg_days d WHERE d.billing_id = billing_analytics.id);
