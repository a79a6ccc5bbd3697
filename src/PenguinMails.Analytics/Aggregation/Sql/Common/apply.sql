-- Step 2, shared by the fold and the recompute: add the deltas in fold_changes (and the days of
-- the snapshots in fold_snapshots) into every analytics table, then refresh the attributes and
-- billing usage of what was touched. The recompute deletes its scope first and feeds all emails
-- as deltas from zero, so both paths produce the same rows by construction of this one file.

-- The (tenant, UTC day) pairs involved, with their billing period.
DROP TABLE IF EXISTS agg_days;
CREATE TEMP TABLE agg_days AS
SELECT d.tenant_key, t.id AS tenant_id, d.day,
       penguin_utc_ts(penguin_period_start(d.day, t.billing_cycle_day)) AS period_start,
       CAST(NULL AS BIGINT) AS billing_id
FROM (
    SELECT DISTINCT tenant_key, penguin_utc_day(sent_at) AS day FROM fold_changes
    UNION
    SELECT DISTINCT tenant_key, penguin_utc_day(occurred_at) FROM fold_snapshots
) d
JOIN tenants t ON t.tenant_key = d.tenant_key;

INSERT INTO billing_analytics (tenant_id, subscription_id, period_start, period_end)
SELECT p.tenant_id, t.subscription_id, p.period_start, p.period_start + INTERVAL '1 month'
FROM (SELECT DISTINCT tenant_id, period_start FROM agg_days) p
JOIN tenants t ON t.id = p.tenant_id
WHERE NOT EXISTS (SELECT 1 FROM billing_analytics b WHERE b.tenant_id = p.tenant_id AND b.period_start = p.period_start);

UPDATE agg_days SET billing_id = b.id
FROM billing_analytics b
WHERE b.tenant_id = agg_days.tenant_id AND b.period_start = agg_days.period_start;

-- Deltas on their integer keys, with their day and billing period: the text ids are joined onto
-- the grouped rows of each table below, never onto every email. Snapshot days join as warmup rows
-- without counts, so that a mailbox with a health snapshot on a day has a warmup row for it.
DROP TABLE IF EXISTS agg;
CREATE TEMP TABLE agg AS
SELECT ch.tenant_key, ch.company_key, ch.campaign_key, ch.step_key, ch.mailbox_key, ch.lead_key,
       ch.is_warmup, ch.sent_at, d.day, d.billing_id,
       ch.sent, ch.delivered, ch.opened, ch.clicked, ch.replied, ch.bounced, ch.unsubscribed, ch.complained
FROM fold_changes ch
JOIN agg_days d ON d.tenant_key = ch.tenant_key AND d.day = penguin_utc_day(ch.sent_at)
UNION ALL
SELECT d.tenant_key, co.company_key, NULL, NULL, m.mailbox_key, NULL,
       TRUE, sn.occurred_at, d.day, d.billing_id,
       0, 0, 0, 0, 0, 0, 0, 0
FROM fold_snapshots sn
JOIN agg_days d ON d.tenant_key = sn.tenant_key AND d.day = penguin_utc_day(sn.occurred_at)
JOIN companies co ON co.id = sn.company_id
JOIN mailboxes m ON m.id = sn.mailbox_id;

-- Daily rollups (campaign traffic only). Each table: the batch's deltas grouped by the
-- table's key, added to rows that exist, inserted as rows that do not. (Not ON CONFLICT: DuckDB's
-- unique indexes make deletes in a recompute very slow, so DuckDB keeps these keys unique by
-- having one writer, under the aggregate lock; PostgreSQL also has the constraints.)
DROP TABLE IF EXISTS delta;
CREATE TEMP TABLE delta AS
SELECT c.id AS campaign_id, g.day, co.id AS company_id, t.id AS tenant_id,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints
FROM (
    SELECT campaign_key, day, company_key, tenant_key,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints
    FROM agg WHERE NOT is_warmup
    GROUP BY campaign_key, day, company_key, tenant_key
) g
LEFT JOIN campaigns c ON c.campaign_key = g.campaign_key
JOIN companies co ON co.company_key = g.company_key
JOIN tenants t ON t.tenant_key = g.tenant_key;

UPDATE daily_campaign_stats SET
    sent = daily_campaign_stats.sent + d.sent,
    delivered = daily_campaign_stats.delivered + d.delivered,
    opened_tracked = daily_campaign_stats.opened_tracked + d.opened_tracked,
    clicked_tracked = daily_campaign_stats.clicked_tracked + d.clicked_tracked,
    replied = daily_campaign_stats.replied + d.replied,
    bounced = daily_campaign_stats.bounced + d.bounced,
    unsubscribed = daily_campaign_stats.unsubscribed + d.unsubscribed,
    spam_complaints = daily_campaign_stats.spam_complaints + d.spam_complaints,
    updated = NOW()
FROM delta d
WHERE daily_campaign_stats.campaign_id = d.campaign_id AND daily_campaign_stats.day = d.day;

INSERT INTO daily_campaign_stats (campaign_id, day, company_id, tenant_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
SELECT d.campaign_id, d.day, d.company_id, d.tenant_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints
FROM delta d
WHERE NOT EXISTS (SELECT 1 FROM daily_campaign_stats t WHERE t.campaign_id = d.campaign_id AND t.day = d.day);

DROP TABLE IF EXISTS delta;
CREATE TEMP TABLE delta AS
SELECT st.id AS step_id, g.day, c.id AS campaign_id, co.id AS company_id, t.id AS tenant_id,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints
FROM (
    SELECT step_key, day, campaign_key, company_key, tenant_key,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints
    FROM agg WHERE NOT is_warmup
    GROUP BY step_key, day, campaign_key, company_key, tenant_key
) g
LEFT JOIN sequence_steps st ON st.step_key = g.step_key
LEFT JOIN campaigns c ON c.campaign_key = g.campaign_key
JOIN companies co ON co.company_key = g.company_key
JOIN tenants t ON t.tenant_key = g.tenant_key;

UPDATE daily_step_stats SET
    sent = daily_step_stats.sent + d.sent,
    delivered = daily_step_stats.delivered + d.delivered,
    opened_tracked = daily_step_stats.opened_tracked + d.opened_tracked,
    clicked_tracked = daily_step_stats.clicked_tracked + d.clicked_tracked,
    replied = daily_step_stats.replied + d.replied,
    bounced = daily_step_stats.bounced + d.bounced,
    unsubscribed = daily_step_stats.unsubscribed + d.unsubscribed,
    spam_complaints = daily_step_stats.spam_complaints + d.spam_complaints,
    updated = NOW()
FROM delta d
WHERE daily_step_stats.step_id = d.step_id AND daily_step_stats.day = d.day;

INSERT INTO daily_step_stats (step_id, day, campaign_id, company_id, tenant_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
SELECT d.step_id, d.day, d.campaign_id, d.company_id, d.tenant_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints
FROM delta d
WHERE NOT EXISTS (SELECT 1 FROM daily_step_stats t WHERE t.step_id = d.step_id AND t.day = d.day);

DROP TABLE IF EXISTS delta;
CREATE TEMP TABLE delta AS
SELECT m.id AS mailbox_id, g.day, co.id AS company_id, t.id AS tenant_id,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints
FROM (
    SELECT mailbox_key, day, company_key, tenant_key,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints
    FROM agg WHERE NOT is_warmup
    GROUP BY mailbox_key, day, company_key, tenant_key
) g
JOIN mailboxes m ON m.mailbox_key = g.mailbox_key
JOIN companies co ON co.company_key = g.company_key
JOIN tenants t ON t.tenant_key = g.tenant_key;

UPDATE daily_mailbox_stats SET
    sent = daily_mailbox_stats.sent + d.sent,
    delivered = daily_mailbox_stats.delivered + d.delivered,
    opened_tracked = daily_mailbox_stats.opened_tracked + d.opened_tracked,
    clicked_tracked = daily_mailbox_stats.clicked_tracked + d.clicked_tracked,
    replied = daily_mailbox_stats.replied + d.replied,
    bounced = daily_mailbox_stats.bounced + d.bounced,
    unsubscribed = daily_mailbox_stats.unsubscribed + d.unsubscribed,
    spam_complaints = daily_mailbox_stats.spam_complaints + d.spam_complaints,
    updated = NOW()
FROM delta d
WHERE daily_mailbox_stats.mailbox_id = d.mailbox_id AND daily_mailbox_stats.day = d.day;

INSERT INTO daily_mailbox_stats (mailbox_id, day, company_id, tenant_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
SELECT d.mailbox_id, d.day, d.company_id, d.tenant_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints
FROM delta d
WHERE NOT EXISTS (SELECT 1 FROM daily_mailbox_stats t WHERE t.mailbox_id = d.mailbox_id AND t.day = d.day);

DROP TABLE IF EXISTS delta;
CREATE TEMP TABLE delta AS
SELECT t.id AS tenant_id, g.day,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints
FROM (
    SELECT tenant_key, day,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints
    FROM agg WHERE NOT is_warmup
    GROUP BY tenant_key, day
) g
JOIN tenants t ON t.tenant_key = g.tenant_key;

UPDATE daily_tenant_stats SET
    sent = daily_tenant_stats.sent + d.sent,
    delivered = daily_tenant_stats.delivered + d.delivered,
    opened_tracked = daily_tenant_stats.opened_tracked + d.opened_tracked,
    clicked_tracked = daily_tenant_stats.clicked_tracked + d.clicked_tracked,
    replied = daily_tenant_stats.replied + d.replied,
    bounced = daily_tenant_stats.bounced + d.bounced,
    unsubscribed = daily_tenant_stats.unsubscribed + d.unsubscribed,
    spam_complaints = daily_tenant_stats.spam_complaints + d.spam_complaints,
    updated = NOW()
FROM delta d
WHERE daily_tenant_stats.tenant_id = d.tenant_id AND daily_tenant_stats.day = d.day;

INSERT INTO daily_tenant_stats (tenant_id, day, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
SELECT d.tenant_id, d.day, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints
FROM delta d
WHERE NOT EXISTS (SELECT 1 FROM daily_tenant_stats t WHERE t.tenant_id = d.tenant_id AND t.day = d.day);

-- Period-to-date analytics per billing period; new rows take their attributes at once (carried
-- in the delta from the same join that names the entity).
DROP TABLE IF EXISTS delta;
CREATE TEMP TABLE delta AS
SELECT c.id AS campaign_id, g.billing_id, co.id AS company_id,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints,
       c.status AS campaign_status
FROM (
    SELECT campaign_key, billing_id, company_key,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints
    FROM agg WHERE NOT is_warmup
    GROUP BY campaign_key, billing_id, company_key
) g
LEFT JOIN campaigns c ON c.campaign_key = g.campaign_key
JOIN companies co ON co.company_key = g.company_key;

UPDATE campaign_analytics SET
    sent = campaign_analytics.sent + d.sent,
    delivered = campaign_analytics.delivered + d.delivered,
    opened_tracked = campaign_analytics.opened_tracked + d.opened_tracked,
    clicked_tracked = campaign_analytics.clicked_tracked + d.clicked_tracked,
    replied = campaign_analytics.replied + d.replied,
    bounced = campaign_analytics.bounced + d.bounced,
    unsubscribed = campaign_analytics.unsubscribed + d.unsubscribed,
    spam_complaints = campaign_analytics.spam_complaints + d.spam_complaints,
    updated = NOW()
FROM delta d
WHERE campaign_analytics.campaign_id = d.campaign_id AND campaign_analytics.billing_id = d.billing_id;

INSERT INTO campaign_analytics (campaign_id, billing_id, company_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints, status)
SELECT d.campaign_id, d.billing_id, d.company_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.campaign_status
FROM delta d
WHERE d.campaign_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM campaign_analytics t WHERE t.campaign_id = d.campaign_id AND t.billing_id = d.billing_id);

DROP TABLE IF EXISTS delta;
CREATE TEMP TABLE delta AS
SELECT st.id AS step_id, g.billing_id, c.id AS campaign_id, co.id AS company_id,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints
FROM (
    SELECT step_key, billing_id, campaign_key, company_key,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints
    FROM agg WHERE NOT is_warmup
    GROUP BY step_key, billing_id, campaign_key, company_key
) g
LEFT JOIN sequence_steps st ON st.step_key = g.step_key
LEFT JOIN campaigns c ON c.campaign_key = g.campaign_key
JOIN companies co ON co.company_key = g.company_key;

UPDATE sequence_step_analytics SET
    sent = sequence_step_analytics.sent + d.sent,
    delivered = sequence_step_analytics.delivered + d.delivered,
    opened_tracked = sequence_step_analytics.opened_tracked + d.opened_tracked,
    clicked_tracked = sequence_step_analytics.clicked_tracked + d.clicked_tracked,
    replied = sequence_step_analytics.replied + d.replied,
    bounced = sequence_step_analytics.bounced + d.bounced,
    unsubscribed = sequence_step_analytics.unsubscribed + d.unsubscribed,
    spam_complaints = sequence_step_analytics.spam_complaints + d.spam_complaints,
    updated = NOW()
FROM delta d
WHERE sequence_step_analytics.step_id = d.step_id AND sequence_step_analytics.billing_id = d.billing_id;

INSERT INTO sequence_step_analytics (step_id, billing_id, campaign_id, company_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
SELECT d.step_id, d.billing_id, d.campaign_id, d.company_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints
FROM delta d
WHERE NOT EXISTS (SELECT 1 FROM sequence_step_analytics t WHERE t.step_id = d.step_id AND t.billing_id = d.billing_id);

DROP TABLE IF EXISTS delta;
CREATE TEMP TABLE delta AS
SELECT l.id AS lead_id, c.id AS campaign_id, g.billing_id, co.id AS company_id,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints,
       l.status AS lead_status
FROM (
    SELECT lead_key, campaign_key, billing_id, company_key,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints
    FROM agg WHERE NOT is_warmup
    GROUP BY lead_key, campaign_key, billing_id, company_key
) g
LEFT JOIN leads l ON l.lead_key = g.lead_key
LEFT JOIN campaigns c ON c.campaign_key = g.campaign_key
JOIN companies co ON co.company_key = g.company_key;

UPDATE lead_analytics SET
    sent = lead_analytics.sent + d.sent,
    delivered = lead_analytics.delivered + d.delivered,
    opened_tracked = lead_analytics.opened_tracked + d.opened_tracked,
    clicked_tracked = lead_analytics.clicked_tracked + d.clicked_tracked,
    replied = lead_analytics.replied + d.replied,
    bounced = lead_analytics.bounced + d.bounced,
    unsubscribed = lead_analytics.unsubscribed + d.unsubscribed,
    spam_complaints = lead_analytics.spam_complaints + d.spam_complaints,
    updated = NOW()
FROM delta d
WHERE lead_analytics.lead_id = d.lead_id AND lead_analytics.campaign_id = d.campaign_id AND lead_analytics.billing_id = d.billing_id;

INSERT INTO lead_analytics (lead_id, campaign_id, billing_id, company_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints, status)
SELECT d.lead_id, d.campaign_id, d.billing_id, d.company_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.lead_status
FROM delta d
WHERE d.lead_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM lead_analytics t WHERE t.lead_id = d.lead_id AND t.campaign_id = d.campaign_id AND t.billing_id = d.billing_id);

-- Mailboxes also remember the campaign they last sent for in the period (latest sent_at, then
-- the greatest campaign id), which decides their campaign_status.
DROP TABLE IF EXISTS delta;
CREATE TEMP TABLE delta AS
SELECT m.id AS mailbox_id, g.billing_id, co.id AS company_id,
       g.last_sent_at, g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints,
       m.warmup_status, COALESCE(m.current_volume, 0) AS current_volume
FROM (
    SELECT mailbox_key, billing_id, company_key,
           MAX(CASE WHEN sent = 1 THEN sent_at END) AS last_sent_at, SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints
    FROM agg WHERE NOT is_warmup
    GROUP BY mailbox_key, billing_id, company_key
) g
JOIN mailboxes m ON m.mailbox_key = g.mailbox_key
JOIN companies co ON co.company_key = g.company_key;

-- The campaign a mailbox last sent for: its latest sent_at, and among campaigns sent at that
-- very moment the greatest campaign id (a window over text ids per email would cost the join
-- this file avoids; the candidates at the latest moment are few).
DROP TABLE IF EXISTS delta_last;
CREATE TEMP TABLE delta_last AS
SELECT m.id AS mailbox_id, x.billing_id, MAX(c.id) AS campaign_id
FROM (
    SELECT mailbox_key, billing_id, MAX(sent_at) AS last_sent_at
    FROM agg WHERE NOT is_warmup AND sent = 1
    GROUP BY mailbox_key, billing_id
) x
JOIN agg a ON a.mailbox_key = x.mailbox_key AND a.billing_id = x.billing_id AND a.sent_at = x.last_sent_at AND NOT a.is_warmup AND a.sent = 1
JOIN campaigns c ON c.campaign_key = a.campaign_key
JOIN mailboxes m ON m.mailbox_key = x.mailbox_key
GROUP BY m.id, x.billing_id;

UPDATE mailbox_analytics SET
    sent = mailbox_analytics.sent + d.sent,
    delivered = mailbox_analytics.delivered + d.delivered,
    opened_tracked = mailbox_analytics.opened_tracked + d.opened_tracked,
    clicked_tracked = mailbox_analytics.clicked_tracked + d.clicked_tracked,
    replied = mailbox_analytics.replied + d.replied,
    bounced = mailbox_analytics.bounced + d.bounced,
    unsubscribed = mailbox_analytics.unsubscribed + d.unsubscribed,
    spam_complaints = mailbox_analytics.spam_complaints + d.spam_complaints,
    last_campaign_id = CASE
        WHEN d.last_sent_at IS NULL THEN mailbox_analytics.last_campaign_id
        WHEN mailbox_analytics.last_sent_at IS NULL OR d.last_sent_at > mailbox_analytics.last_sent_at THEN lc.campaign_id
        WHEN d.last_sent_at = mailbox_analytics.last_sent_at THEN GREATEST(lc.campaign_id, mailbox_analytics.last_campaign_id)
        ELSE mailbox_analytics.last_campaign_id END,
    last_sent_at = GREATEST(mailbox_analytics.last_sent_at, d.last_sent_at),
    updated = NOW()
FROM delta d
LEFT JOIN delta_last lc ON lc.mailbox_id = d.mailbox_id AND lc.billing_id = d.billing_id
WHERE mailbox_analytics.mailbox_id = d.mailbox_id AND mailbox_analytics.billing_id = d.billing_id;

INSERT INTO mailbox_analytics (mailbox_id, billing_id, company_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints, last_sent_at, last_campaign_id, warmup_status, current_volume)
SELECT d.mailbox_id, d.billing_id, d.company_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.last_sent_at, lc.campaign_id, d.warmup_status, d.current_volume
FROM delta d
LEFT JOIN delta_last lc ON lc.mailbox_id = d.mailbox_id AND lc.billing_id = d.billing_id
WHERE NOT EXISTS (SELECT 1 FROM mailbox_analytics t WHERE t.mailbox_id = d.mailbox_id AND t.billing_id = d.billing_id);

-- Warmup traffic: one row per mailbox per day.
DROP TABLE IF EXISTS delta;
CREATE TEMP TABLE delta AS
SELECT m.id AS mailbox_id, g.day AS snapshot_date, co.id AS company_id, g.billing_id,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints
FROM (
    SELECT mailbox_key, day, company_key, billing_id,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints
    FROM agg WHERE is_warmup
    GROUP BY mailbox_key, day, company_key, billing_id
) g
JOIN mailboxes m ON m.mailbox_key = g.mailbox_key
JOIN companies co ON co.company_key = g.company_key;

UPDATE warmup_analytics SET
    sent = warmup_analytics.sent + d.sent,
    delivered = warmup_analytics.delivered + d.delivered,
    opened_tracked = warmup_analytics.opened_tracked + d.opened_tracked,
    clicked_tracked = warmup_analytics.clicked_tracked + d.clicked_tracked,
    replied = warmup_analytics.replied + d.replied,
    bounced = warmup_analytics.bounced + d.bounced,
    unsubscribed = warmup_analytics.unsubscribed + d.unsubscribed,
    spam_complaints = warmup_analytics.spam_complaints + d.spam_complaints,
    updated = NOW()
FROM delta d
WHERE warmup_analytics.mailbox_id = d.mailbox_id AND warmup_analytics.snapshot_date = d.snapshot_date;

INSERT INTO warmup_analytics (mailbox_id, snapshot_date, company_id, billing_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
SELECT d.mailbox_id, d.snapshot_date, d.company_id, d.billing_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints
FROM delta d
WHERE NOT EXISTS (SELECT 1 FROM warmup_analytics t WHERE t.mailbox_id = d.mailbox_id AND t.snapshot_date = d.snapshot_date);

-- What was touched: entities with new deltas, and entities upserted since the last fold.
DROP TABLE IF EXISTS touched_campaigns;
CREATE TEMP TABLE touched_campaigns AS
SELECT c.id FROM (SELECT DISTINCT campaign_key FROM agg WHERE campaign_key IS NOT NULL) k JOIN campaigns c ON c.campaign_key = k.campaign_key
UNION SELECT entity_id FROM fold_entities WHERE entity_type = 'campaign';

DROP TABLE IF EXISTS touched_mailboxes;
CREATE TEMP TABLE touched_mailboxes AS
SELECT m.id FROM (SELECT DISTINCT mailbox_key FROM agg) k JOIN mailboxes m ON m.mailbox_key = k.mailbox_key
UNION SELECT entity_id FROM fold_entities WHERE entity_type = 'mailbox'
UNION SELECT DISTINCT ma.mailbox_id FROM mailbox_analytics ma
      WHERE ma.last_campaign_id IN (SELECT entity_id FROM fold_entities WHERE entity_type = 'campaign');

-- Campaign attributes: status from the campaign, completed_leads = leads that replied in the period.
DROP TABLE IF EXISTS attr_campaigns;
CREATE TEMP TABLE attr_campaigns AS
SELECT ca.id, c.status, COALESCE(r.completed, 0) AS completed_leads
FROM campaign_analytics ca
JOIN campaigns c ON c.id = ca.campaign_id
LEFT JOIN (
    SELECT campaign_id, billing_id, COUNT(*) AS completed
    FROM lead_analytics
    WHERE replied > 0 AND campaign_id IN (SELECT id FROM touched_campaigns)
    GROUP BY campaign_id, billing_id
) r ON r.campaign_id = ca.campaign_id AND r.billing_id = ca.billing_id
WHERE ca.campaign_id IN (SELECT id FROM touched_campaigns);

UPDATE campaign_analytics SET status = a.status, completed_leads = a.completed_leads, updated = NOW()
FROM attr_campaigns a
WHERE campaign_analytics.id = a.id
  AND (campaign_analytics.status IS DISTINCT FROM a.status OR campaign_analytics.completed_leads IS DISTINCT FROM a.completed_leads);

UPDATE lead_analytics SET status = l.status, updated = NOW()
FROM leads l
WHERE l.id = lead_analytics.lead_id AND lead_analytics.status IS DISTINCT FROM l.status
  AND lead_analytics.lead_id IN (SELECT entity_id FROM fold_entities WHERE entity_type = 'lead');

-- Mailbox attributes. health_score: the latest mailbox.health snapshot inside the period, else
-- penguin_health_score over the 14 days ending on the mailbox's last sending day in the period.
DROP TABLE IF EXISTS attr_mailboxes;
CREATE TEMP TABLE attr_mailboxes AS
SELECT ma.id, m.warmup_status, COALESCE(m.current_volume, 0) AS current_volume, c.status AS campaign_status,
       COALESCE(snap.health_score, recent.health_score) AS health_score
FROM mailbox_analytics ma
JOIN mailboxes m ON m.id = ma.mailbox_id
LEFT JOIN campaigns c ON c.id = ma.last_campaign_id
LEFT JOIN (
    SELECT x.id, x.health_score
    FROM (
        SELECT ma2.id, s.health_score,
               ROW_NUMBER() OVER (PARTITION BY ma2.id ORDER BY s.occurred_at DESC, s.event_id DESC) AS rn
        FROM mailbox_analytics ma2
        JOIN billing_analytics b ON b.id = ma2.billing_id
        JOIN mailbox_health_snapshots s ON s.mailbox_id = ma2.mailbox_id
             AND s.occurred_at >= b.period_start AND s.occurred_at < b.period_end AND s.health_score IS NOT NULL
        WHERE ma2.mailbox_id IN (SELECT id FROM touched_mailboxes)
    ) x
    WHERE x.rn = 1
) snap ON snap.id = ma.id
LEFT JOIN (
    SELECT ma3.id,
           penguin_health_score(SUM(d.sent), SUM(d.delivered), SUM(d.opened_tracked), SUM(d.replied), SUM(d.bounced), SUM(d.spam_complaints)) AS health_score
    FROM mailbox_analytics ma3
    JOIN daily_mailbox_stats d ON d.mailbox_id = ma3.mailbox_id
         AND d.day <= penguin_utc_day(ma3.last_sent_at) AND d.day > penguin_utc_day(ma3.last_sent_at) - 14
    WHERE ma3.mailbox_id IN (SELECT id FROM touched_mailboxes)
    GROUP BY ma3.id
) recent ON recent.id = ma.id
WHERE ma.mailbox_id IN (SELECT id FROM touched_mailboxes);

UPDATE mailbox_analytics SET
    warmup_status = a.warmup_status, current_volume = a.current_volume,
    campaign_status = a.campaign_status, health_score = a.health_score, updated = NOW()
FROM attr_mailboxes a
WHERE mailbox_analytics.id = a.id
  AND (mailbox_analytics.warmup_status IS DISTINCT FROM a.warmup_status OR mailbox_analytics.current_volume IS DISTINCT FROM a.current_volume
       OR mailbox_analytics.campaign_status IS DISTINCT FROM a.campaign_status OR mailbox_analytics.health_score IS DISTINCT FROM a.health_score);

-- Warmup attributes per day: the latest snapshot values up to the end of that day (carried
-- forward), else the day's own warmup counters through penguin_health_score.
DROP TABLE IF EXISTS attr_warmup;
CREATE TEMP TABLE attr_warmup AS
SELECT w.id,
       COALESCE(hs.health_score, penguin_health_score(w.sent, w.delivered, w.opened_tracked, w.replied, w.bounced, w.spam_complaints)) AS health_score,
       ps.progress_percentage
FROM warmup_analytics w
LEFT JOIN (
    SELECT x.id, x.health_score
    FROM (
        SELECT w2.id, s.health_score,
               ROW_NUMBER() OVER (PARTITION BY w2.id ORDER BY s.occurred_at DESC, s.event_id DESC) AS rn
        FROM warmup_analytics w2
        JOIN mailbox_health_snapshots s ON s.mailbox_id = w2.mailbox_id
             AND s.occurred_at < penguin_utc_ts(w2.snapshot_date + 1) AND s.health_score IS NOT NULL
        WHERE w2.mailbox_id IN (SELECT id FROM touched_mailboxes)
    ) x
    WHERE x.rn = 1
) hs ON hs.id = w.id
LEFT JOIN (
    SELECT x.id, x.progress_percentage
    FROM (
        SELECT w2.id, s.progress_percentage,
               ROW_NUMBER() OVER (PARTITION BY w2.id ORDER BY s.occurred_at DESC, s.event_id DESC) AS rn
        FROM warmup_analytics w2
        JOIN mailbox_health_snapshots s ON s.mailbox_id = w2.mailbox_id
             AND s.occurred_at < penguin_utc_ts(w2.snapshot_date + 1) AND s.progress_percentage IS NOT NULL
        WHERE w2.mailbox_id IN (SELECT id FROM touched_mailboxes)
    ) x
    WHERE x.rn = 1
) ps ON ps.id = w.id
WHERE w.mailbox_id IN (SELECT id FROM touched_mailboxes);

UPDATE warmup_analytics SET health_score = a.health_score, progress_percentage = a.progress_percentage, updated = NOW()
FROM attr_warmup a
WHERE warmup_analytics.id = a.id
  AND (warmup_analytics.health_score IS DISTINCT FROM a.health_score OR warmup_analytics.progress_percentage IS DISTINCT FROM a.progress_percentage);

-- Billing usage (DESIGN.md, decision 5), recounted for every touched period from the period
-- tables: campaign emails sent, distinct mailboxes, domains, campaigns and leads with campaign
-- email sent, distinct mailboxes with warmup traffic.
DROP TABLE IF EXISTS touched_billing;
CREATE TEMP TABLE touched_billing AS
SELECT DISTINCT billing_id AS id FROM agg
UNION SELECT DISTINCT ma.billing_id FROM mailbox_analytics ma
      WHERE ma.mailbox_id IN (SELECT entity_id FROM fold_entities WHERE entity_type = 'mailbox');

DROP TABLE IF EXISTS billing_usage;
CREATE TEMP TABLE billing_usage AS
SELECT tb.id,
       COALESCE(c.emails_sent, 0) AS emails_sent, COALESCE(c.campaigns_used, 0) AS campaigns_used,
       COALESCE(m.mailboxes_used, 0) AS mailboxes_used, COALESCE(m.domains_used, 0) AS domains_used,
       COALESCE(l.leads_used, 0) AS leads_used, COALESCE(w.warmups_active, 0) AS warmups_active
FROM touched_billing tb
LEFT JOIN (
    SELECT billing_id, SUM(sent) AS emails_sent, SUM(CASE WHEN sent > 0 THEN 1 ELSE 0 END) AS campaigns_used
    FROM campaign_analytics WHERE billing_id IN (SELECT id FROM touched_billing)
    GROUP BY billing_id
) c ON c.billing_id = tb.id
LEFT JOIN (
    SELECT ma.billing_id, COUNT(*) AS mailboxes_used, COUNT(DISTINCT mb.domain) AS domains_used
    FROM mailbox_analytics ma JOIN mailboxes mb ON mb.id = ma.mailbox_id
    WHERE ma.sent > 0 AND ma.billing_id IN (SELECT id FROM touched_billing)
    GROUP BY ma.billing_id
) m ON m.billing_id = tb.id
LEFT JOIN (
    SELECT billing_id, COUNT(DISTINCT lead_id) AS leads_used
    FROM lead_analytics WHERE sent > 0 AND billing_id IN (SELECT id FROM touched_billing)
    GROUP BY billing_id
) l ON l.billing_id = tb.id
LEFT JOIN (
    SELECT billing_id, COUNT(DISTINCT mailbox_id) AS warmups_active
    FROM warmup_analytics WHERE sent > 0 AND billing_id IN (SELECT id FROM touched_billing)
    GROUP BY billing_id
) w ON w.billing_id = tb.id;

UPDATE billing_analytics SET
    emails_sent = u.emails_sent, mailboxes_used = u.mailboxes_used, domains_used = u.domains_used,
    campaigns_used = u.campaigns_used, leads_used = u.leads_used, warmups_active = u.warmups_active,
    updated = NOW()
FROM billing_usage u
WHERE billing_analytics.id = u.id;
