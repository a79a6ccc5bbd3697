-- The baseline the product's recompute is measured against (issue 10): what a good engineer
-- writes by hand to produce the analytics tables' counters from the raw emails, on the same
-- database: one GROUP BY per table on the integer keys (per local or UTC day, or per billing period), the
-- text ids joined onto the grouped rows, the billing usage as distinct counts. No validation, no
-- attributes, no incremental upsert: a lower bound for the product's full recompute. Runs on both
-- engines (the product's penguin_* functions give the same days and periods).

-- The tenants' local days (daily rollups count on them; DESIGN.md, "Metrics users can trust"): a
-- zone looked up per email costs DuckDB about 4.5 µs, so by each (tenant, UTC day)'s offset, and
-- per email only on a day the clock changes, as anyone who measured it would.
DROP TABLE IF EXISTS hand_days;
CREATE TEMP TABLE hand_days AS
SELECT d.tenant_key, d.day, t.time_zone, t.billing_cycle_day,
       (penguin_utc_ts(d.day) AT TIME ZONE t.time_zone) - CAST(d.day AS TIMESTAMP) AS day_offset,
       (penguin_utc_ts(d.day + 1) AT TIME ZONE t.time_zone) - CAST(d.day + 1 AS TIMESTAMP) AS next_offset
FROM (SELECT DISTINCT tenant_key, penguin_utc_day(sent_at) AS day FROM emails) d
JOIN tenants t ON t.tenant_key = d.tenant_key;

DROP TABLE IF EXISTS hand_emails;
CREATE TEMP TABLE hand_emails AS
SELECT e.tenant_key, e.company_key, e.campaign_key, e.step_key, e.mailbox_key, e.lead_key, e.is_warmup, e.sent_at,
       d.day,
       CAST(CASE WHEN d.day_offset = d.next_offset THEN CAST(e.sent_at AT TIME ZONE 'UTC' AS TIMESTAMP) + d.day_offset
                 ELSE e.sent_at AT TIME ZONE d.time_zone END AS DATE) AS local_day,
       penguin_period_start(d.day, d.billing_cycle_day) AS period_day,
       CASE WHEN e.delivered_at IS NOT NULL THEN 1 ELSE 0 END AS delivered,
       CASE WHEN e.opened_at IS NOT NULL THEN 1 ELSE 0 END AS opened,
       CASE WHEN e.clicked_at IS NOT NULL THEN 1 ELSE 0 END AS clicked,
       CASE WHEN e.replied_at IS NOT NULL THEN 1 ELSE 0 END AS replied,
       CASE WHEN e.bounced_at IS NOT NULL THEN 1 ELSE 0 END AS bounced,
       CASE WHEN e.unsubscribed_at IS NOT NULL THEN 1 ELSE 0 END AS unsubscribed,
       CASE WHEN e.complained_at IS NOT NULL THEN 1 ELSE 0 END AS complained
FROM emails e
JOIN hand_days d ON d.tenant_key = e.tenant_key AND d.day = penguin_utc_day(e.sent_at);

DROP TABLE IF EXISTS hand_periods;
CREATE TEMP TABLE hand_periods AS
SELECT DISTINCT h.tenant_key, h.period_day, b.id AS billing_id
FROM hand_emails h
JOIN tenants t ON t.tenant_key = h.tenant_key
JOIN billing_analytics b ON b.tenant_id = t.id AND b.period_start = penguin_utc_ts(h.period_day);

DROP TABLE IF EXISTS hand_daily_campaign_stats;
CREATE TEMP TABLE hand_daily_campaign_stats AS
SELECT c.id AS campaign_id, g.local_day AS day, g.sent, g.delivered, g.opened, g.clicked, g.replied, g.bounced, g.unsubscribed, g.complained
FROM (SELECT campaign_key, local_day, COUNT(*) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened, SUM(clicked) AS clicked, SUM(replied) AS replied,
             SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS complained
      FROM hand_emails WHERE NOT is_warmup GROUP BY campaign_key, local_day) g
JOIN campaigns c ON c.campaign_key = g.campaign_key;

DROP TABLE IF EXISTS hand_daily_step_stats;
CREATE TEMP TABLE hand_daily_step_stats AS
SELECT s.id AS step_id, g.local_day AS day, g.sent, g.delivered, g.opened, g.clicked, g.replied, g.bounced, g.unsubscribed, g.complained
FROM (SELECT step_key, local_day, COUNT(*) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened, SUM(clicked) AS clicked, SUM(replied) AS replied,
             SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS complained
      FROM hand_emails WHERE NOT is_warmup GROUP BY step_key, local_day) g
JOIN sequence_steps s ON s.step_key = g.step_key;

DROP TABLE IF EXISTS hand_daily_mailbox_stats;
CREATE TEMP TABLE hand_daily_mailbox_stats AS
SELECT m.id AS mailbox_id, g.local_day AS day, g.sent, g.delivered, g.opened, g.clicked, g.replied, g.bounced, g.unsubscribed, g.complained
FROM (SELECT mailbox_key, local_day, COUNT(*) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened, SUM(clicked) AS clicked, SUM(replied) AS replied,
             SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS complained
      FROM hand_emails WHERE NOT is_warmup GROUP BY mailbox_key, local_day) g
JOIN mailboxes m ON m.mailbox_key = g.mailbox_key;

DROP TABLE IF EXISTS hand_daily_tenant_stats;
CREATE TEMP TABLE hand_daily_tenant_stats AS
SELECT t.id AS tenant_id, g.local_day AS day, g.sent, g.delivered, g.opened, g.clicked, g.replied, g.bounced, g.unsubscribed, g.complained
FROM (SELECT tenant_key, local_day, COUNT(*) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened, SUM(clicked) AS clicked, SUM(replied) AS replied,
             SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS complained
      FROM hand_emails WHERE NOT is_warmup GROUP BY tenant_key, local_day) g
JOIN tenants t ON t.tenant_key = g.tenant_key;

DROP TABLE IF EXISTS hand_campaign_analytics;
CREATE TEMP TABLE hand_campaign_analytics AS
SELECT c.id AS campaign_id, p.billing_id, g.sent, g.delivered, g.opened, g.clicked, g.replied, g.bounced, g.unsubscribed, g.complained
FROM (SELECT tenant_key, campaign_key, period_day, COUNT(*) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened, SUM(clicked) AS clicked, SUM(replied) AS replied,
             SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS complained
      FROM hand_emails WHERE NOT is_warmup GROUP BY tenant_key, campaign_key, period_day) g
JOIN hand_periods p ON p.tenant_key = g.tenant_key AND p.period_day = g.period_day
JOIN campaigns c ON c.campaign_key = g.campaign_key;

DROP TABLE IF EXISTS hand_sequence_step_analytics;
CREATE TEMP TABLE hand_sequence_step_analytics AS
SELECT s.id AS step_id, p.billing_id, g.sent, g.delivered, g.opened, g.clicked, g.replied, g.bounced, g.unsubscribed, g.complained
FROM (SELECT tenant_key, step_key, period_day, COUNT(*) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened, SUM(clicked) AS clicked, SUM(replied) AS replied,
             SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS complained
      FROM hand_emails WHERE NOT is_warmup GROUP BY tenant_key, step_key, period_day) g
JOIN hand_periods p ON p.tenant_key = g.tenant_key AND p.period_day = g.period_day
JOIN sequence_steps s ON s.step_key = g.step_key;

DROP TABLE IF EXISTS hand_mailbox_analytics;
CREATE TEMP TABLE hand_mailbox_analytics AS
SELECT m.id AS mailbox_id, p.billing_id, g.sent, g.delivered, g.opened, g.clicked, g.replied, g.bounced, g.unsubscribed, g.complained
FROM (SELECT tenant_key, mailbox_key, period_day, COUNT(*) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened, SUM(clicked) AS clicked, SUM(replied) AS replied,
             SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS complained
      FROM hand_emails WHERE NOT is_warmup GROUP BY tenant_key, mailbox_key, period_day) g
JOIN hand_periods p ON p.tenant_key = g.tenant_key AND p.period_day = g.period_day
JOIN mailboxes m ON m.mailbox_key = g.mailbox_key;

DROP TABLE IF EXISTS hand_lead_analytics;
CREATE TEMP TABLE hand_lead_analytics AS
SELECT l.id AS lead_id, c.id AS campaign_id, p.billing_id, g.sent, g.delivered, g.opened, g.clicked, g.replied, g.bounced, g.unsubscribed, g.complained
FROM (SELECT tenant_key, lead_key, campaign_key, period_day, COUNT(*) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened, SUM(clicked) AS clicked, SUM(replied) AS replied,
             SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS complained
      FROM hand_emails WHERE NOT is_warmup GROUP BY tenant_key, lead_key, campaign_key, period_day) g
JOIN hand_periods p ON p.tenant_key = g.tenant_key AND p.period_day = g.period_day
JOIN leads l ON l.lead_key = g.lead_key
JOIN campaigns c ON c.campaign_key = g.campaign_key;

DROP TABLE IF EXISTS hand_warmup_analytics;
CREATE TEMP TABLE hand_warmup_analytics AS
SELECT m.id AS mailbox_id, g.day, g.sent, g.delivered, g.opened, g.clicked, g.replied, g.bounced, g.unsubscribed, g.complained
FROM (SELECT mailbox_key, day, COUNT(*) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened, SUM(clicked) AS clicked, SUM(replied) AS replied,
             SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS complained
      FROM hand_emails WHERE is_warmup GROUP BY mailbox_key, day) g
JOIN mailboxes m ON m.mailbox_key = g.mailbox_key;

DROP TABLE IF EXISTS hand_billing_analytics;
CREATE TEMP TABLE hand_billing_analytics AS
SELECT p.billing_id, g.emails_sent, g.campaigns_used, g.mailboxes_used, g.domains_used, g.leads_used, g.warmups_active
FROM (SELECT h.tenant_key, h.period_day,
             SUM(CASE WHEN NOT h.is_warmup THEN 1 ELSE 0 END) AS emails_sent,
             COUNT(DISTINCT CASE WHEN NOT h.is_warmup THEN h.campaign_key END) AS campaigns_used,
             COUNT(DISTINCT CASE WHEN NOT h.is_warmup THEN h.mailbox_key END) AS mailboxes_used,
             COUNT(DISTINCT CASE WHEN NOT h.is_warmup THEN m.domain END) AS domains_used,
             COUNT(DISTINCT CASE WHEN NOT h.is_warmup THEN h.lead_key END) AS leads_used,
             COUNT(DISTINCT CASE WHEN h.is_warmup THEN h.mailbox_key END) AS warmups_active
      FROM hand_emails h JOIN mailboxes m ON m.mailbox_key = h.mailbox_key
      GROUP BY h.tenant_key, h.period_day) g
JOIN hand_periods p ON p.tenant_key = g.tenant_key AND p.period_day = g.period_day;
