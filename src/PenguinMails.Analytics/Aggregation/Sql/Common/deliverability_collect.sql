-- Deliverability, step 1 (in the fold's transaction, after apply): the bounce and complaint rates
-- of every mailbox and campaign over the trailing window of alert_params.window_days, ending at
-- the newest day in its rollup, and whether each is over its threshold (with enough sends).
DROP TABLE IF EXISTS alert_rates;
CREATE TEMP TABLE alert_rates AS
WITH totals AS (
    SELECT 'mailbox' AS entity_type, d.mailbox_id AS entity_id, d.tenant_id,
           SUM(d.sent) AS sent, SUM(d.bounced) AS bounced, SUM(d.spam_complaints) AS complaints
    FROM daily_mailbox_stats d
    WHERE d.day > (SELECT MAX(day) FROM daily_mailbox_stats) - (SELECT window_days FROM alert_params)
    GROUP BY d.mailbox_id, d.tenant_id
    UNION ALL
    SELECT 'campaign', d.campaign_id, d.tenant_id, SUM(d.sent), SUM(d.bounced), SUM(d.spam_complaints)
    FROM daily_campaign_stats d
    WHERE d.day > (SELECT MAX(day) FROM daily_campaign_stats) - (SELECT window_days FROM alert_params)
    GROUP BY d.campaign_id, d.tenant_id
), rates AS (
    SELECT t.entity_type, t.entity_id, t.tenant_id, t.sent, m.metric,
           100.0 * CASE m.metric WHEN 'bounce_rate' THEN t.bounced ELSE t.complaints END / t.sent AS exact_rate,
           CASE m.metric WHEN 'bounce_rate' THEN p.bounce_threshold ELSE p.complaint_threshold END AS threshold,
           p.min_sends
    FROM totals t
    CROSS JOIN (SELECT 'bounce_rate' AS metric UNION ALL SELECT 'complaint_rate') m
    CROSS JOIN alert_params p
    WHERE t.sent > 0
)
SELECT entity_type, entity_id, tenant_id, sent, metric, threshold,
       CAST(ROUND(exact_rate, 2) AS NUMERIC(7, 2)) AS rate,
       (sent >= min_sends AND exact_rate > threshold) AS is_over
FROM rates;
