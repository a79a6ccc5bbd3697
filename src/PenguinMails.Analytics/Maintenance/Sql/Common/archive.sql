-- Moves rows older than the retention cutoff (maintenance_params.cutoff) into the archive tables:
-- each copy and its delete use the same condition in one transaction, under the aggregate lock
-- (the aggregator is the only writer of these tables), so nothing is deleted without its copy.
-- Period tables go with their billing period (period_end at or before the cutoff).
DROP TABLE IF EXISTS maintenance_billing;
CREATE TEMP TABLE maintenance_billing AS
SELECT id FROM billing_analytics WHERE period_end <= (SELECT cutoff FROM maintenance_params);

INSERT INTO campaign_analytics_archive SELECT *, NOW() FROM campaign_analytics WHERE billing_id IN (SELECT id FROM maintenance_billing);
DELETE FROM campaign_analytics WHERE billing_id IN (SELECT id FROM maintenance_billing);
INSERT INTO sequence_step_analytics_archive SELECT *, NOW() FROM sequence_step_analytics WHERE billing_id IN (SELECT id FROM maintenance_billing);
DELETE FROM sequence_step_analytics WHERE billing_id IN (SELECT id FROM maintenance_billing);
INSERT INTO mailbox_analytics_archive SELECT *, NOW() FROM mailbox_analytics WHERE billing_id IN (SELECT id FROM maintenance_billing);
DELETE FROM mailbox_analytics WHERE billing_id IN (SELECT id FROM maintenance_billing);
INSERT INTO lead_analytics_archive SELECT *, NOW() FROM lead_analytics WHERE billing_id IN (SELECT id FROM maintenance_billing);
DELETE FROM lead_analytics WHERE billing_id IN (SELECT id FROM maintenance_billing);
INSERT INTO warmup_analytics_archive SELECT *, NOW() FROM warmup_analytics WHERE billing_id IN (SELECT id FROM maintenance_billing);
DELETE FROM warmup_analytics WHERE billing_id IN (SELECT id FROM maintenance_billing);
INSERT INTO send_time_stats_archive SELECT *, NOW() FROM send_time_stats WHERE billing_id IN (SELECT id FROM maintenance_billing);
DELETE FROM send_time_stats WHERE billing_id IN (SELECT id FROM maintenance_billing);
INSERT INTO billing_analytics_archive SELECT *, NOW() FROM billing_analytics WHERE id IN (SELECT id FROM maintenance_billing);
DELETE FROM billing_analytics WHERE id IN (SELECT id FROM maintenance_billing);

INSERT INTO daily_campaign_stats_archive SELECT *, NOW() FROM daily_campaign_stats WHERE day < penguin_utc_day((SELECT cutoff FROM maintenance_params));
DELETE FROM daily_campaign_stats WHERE day < penguin_utc_day((SELECT cutoff FROM maintenance_params));
INSERT INTO daily_step_stats_archive SELECT *, NOW() FROM daily_step_stats WHERE day < penguin_utc_day((SELECT cutoff FROM maintenance_params));
DELETE FROM daily_step_stats WHERE day < penguin_utc_day((SELECT cutoff FROM maintenance_params));
INSERT INTO daily_mailbox_stats_archive SELECT *, NOW() FROM daily_mailbox_stats WHERE day < penguin_utc_day((SELECT cutoff FROM maintenance_params));
DELETE FROM daily_mailbox_stats WHERE day < penguin_utc_day((SELECT cutoff FROM maintenance_params));
INSERT INTO daily_tenant_stats_archive SELECT *, NOW() FROM daily_tenant_stats WHERE day < penguin_utc_day((SELECT cutoff FROM maintenance_params));
DELETE FROM daily_tenant_stats WHERE day < penguin_utc_day((SELECT cutoff FROM maintenance_params));

INSERT INTO emails_archive SELECT *, NOW() FROM emails WHERE sent_at < (SELECT cutoff FROM maintenance_params);
DELETE FROM emails WHERE sent_at < (SELECT cutoff FROM maintenance_params);
