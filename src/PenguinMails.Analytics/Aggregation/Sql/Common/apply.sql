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

-- Deltas with their identifiers, day and billing period. Snapshot days join as warmup rows
-- without counts, so that a mailbox with a health snapshot on a day has a warmup row for it.
DROP TABLE IF EXISTS agg;
CREATE TEMP TABLE agg AS
SELECT d.tenant_id, co.id AS company_id, c.id AS campaign_id, st.id AS step_id, m.id AS mailbox_id, l.id AS lead_id,
       ch.is_warmup, ch.sent_at, d.day, d.billing_id,
       ch.sent, ch.delivered, ch.opened, ch.clicked, ch.replied, ch.bounced, ch.unsubscribed, ch.complained
FROM fold_changes ch
JOIN agg_days d ON d.tenant_key = ch.tenant_key AND d.day = penguin_utc_day(ch.sent_at)
JOIN companies co ON co.company_key = ch.company_key
JOIN mailboxes m ON m.mailbox_key = ch.mailbox_key
LEFT JOIN campaigns c ON c.campaign_key = ch.campaign_key
LEFT JOIN sequence_steps st ON st.step_key = ch.step_key
LEFT JOIN leads l ON l.lead_key = ch.lead_key
UNION ALL
SELECT d.tenant_id, sn.company_id, NULL, NULL, sn.mailbox_id, NULL,
       TRUE, sn.occurred_at, d.day, d.billing_id,
       0, 0, 0, 0, 0, 0, 0, 0
FROM fold_snapshots sn
JOIN agg_days d ON d.tenant_key = sn.tenant_key AND d.day = penguin_utc_day(sn.occurred_at);

-- Daily rollups (campaign traffic only).
INSERT INTO daily_campaign_stats (campaign_id, company_id, tenant_id, day, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
SELECT campaign_id, company_id, tenant_id, day,
       SUM(sent), SUM(delivered), SUM(opened), SUM(clicked), SUM(replied), SUM(bounced), SUM(unsubscribed), SUM(complained)
FROM agg WHERE NOT is_warmup
GROUP BY campaign_id, company_id, tenant_id, day
ON CONFLICT (campaign_id, day) DO UPDATE SET
    sent = daily_campaign_stats.sent + excluded.sent, delivered = daily_campaign_stats.delivered + excluded.delivered,
    opened_tracked = daily_campaign_stats.opened_tracked + excluded.opened_tracked, clicked_tracked = daily_campaign_stats.clicked_tracked + excluded.clicked_tracked,
    replied = daily_campaign_stats.replied + excluded.replied, bounced = daily_campaign_stats.bounced + excluded.bounced,
    unsubscribed = daily_campaign_stats.unsubscribed + excluded.unsubscribed, spam_complaints = daily_campaign_stats.spam_complaints + excluded.spam_complaints,
    updated = NOW();

INSERT INTO daily_step_stats (step_id, campaign_id, company_id, tenant_id, day, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
SELECT step_id, campaign_id, company_id, tenant_id, day,
       SUM(sent), SUM(delivered), SUM(opened), SUM(clicked), SUM(replied), SUM(bounced), SUM(unsubscribed), SUM(complained)
FROM agg WHERE NOT is_warmup
GROUP BY step_id, campaign_id, company_id, tenant_id, day
ON CONFLICT (step_id, day) DO UPDATE SET
    sent = daily_step_stats.sent + excluded.sent, delivered = daily_step_stats.delivered + excluded.delivered,
    opened_tracked = daily_step_stats.opened_tracked + excluded.opened_tracked, clicked_tracked = daily_step_stats.clicked_tracked + excluded.clicked_tracked,
    replied = daily_step_stats.replied + excluded.replied, bounced = daily_step_stats.bounced + excluded.bounced,
    unsubscribed = daily_step_stats.unsubscribed + excluded.unsubscribed, spam_complaints = daily_step_stats.spam_complaints + excluded.spam_complaints,
    updated = NOW();

INSERT INTO daily_mailbox_stats (mailbox_id, company_id, tenant_id, day, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
SELECT mailbox_id, company_id, tenant_id, day,
       SUM(sent), SUM(delivered), SUM(opened), SUM(clicked), SUM(replied), SUM(bounced), SUM(unsubscribed), SUM(complained)
FROM agg WHERE NOT is_warmup
GROUP BY mailbox_id, company_id, tenant_id, day
ON CONFLICT (mailbox_id, day) DO UPDATE SET
    sent = daily_mailbox_stats.sent + excluded.sent, delivered = daily_mailbox_stats.delivered + excluded.delivered,
    opened_tracked = daily_mailbox_stats.opened_tracked + excluded.opened_tracked, clicked_tracked = daily_mailbox_stats.clicked_tracked + excluded.clicked_tracked,
    replied = daily_mailbox_stats.replied + excluded.replied, bounced = daily_mailbox_stats.bounced + excluded.bounced,
    unsubscribed = daily_mailbox_stats.unsubscribed + excluded.unsubscribed, spam_complaints = daily_mailbox_stats.spam_complaints + excluded.spam_complaints,
    updated = NOW();

INSERT INTO daily_tenant_stats (tenant_id, day, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
SELECT tenant_id, day,
       SUM(sent), SUM(delivered), SUM(opened), SUM(clicked), SUM(replied), SUM(bounced), SUM(unsubscribed), SUM(complained)
FROM agg WHERE NOT is_warmup
GROUP BY tenant_id, day
ON CONFLICT (tenant_id, day) DO UPDATE SET
    sent = daily_tenant_stats.sent + excluded.sent, delivered = daily_tenant_stats.delivered + excluded.delivered,
    opened_tracked = daily_tenant_stats.opened_tracked + excluded.opened_tracked, clicked_tracked = daily_tenant_stats.clicked_tracked + excluded.clicked_tracked,
    replied = daily_tenant_stats.replied + excluded.replied, bounced = daily_tenant_stats.bounced + excluded.bounced,
    unsubscribed = daily_tenant_stats.unsubscribed + excluded.unsubscribed, spam_complaints = daily_tenant_stats.spam_complaints + excluded.spam_complaints,
    updated = NOW();

-- Period-to-date analytics per billing period.
INSERT INTO campaign_analytics (campaign_id, company_id, billing_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
SELECT campaign_id, company_id, billing_id,
       SUM(sent), SUM(delivered), SUM(opened), SUM(clicked), SUM(replied), SUM(bounced), SUM(unsubscribed), SUM(complained)
FROM agg WHERE NOT is_warmup
GROUP BY campaign_id, company_id, billing_id
ON CONFLICT (campaign_id, billing_id) DO UPDATE SET
    sent = campaign_analytics.sent + excluded.sent, delivered = campaign_analytics.delivered + excluded.delivered,
    opened_tracked = campaign_analytics.opened_tracked + excluded.opened_tracked, clicked_tracked = campaign_analytics.clicked_tracked + excluded.clicked_tracked,
    replied = campaign_analytics.replied + excluded.replied, bounced = campaign_analytics.bounced + excluded.bounced,
    unsubscribed = campaign_analytics.unsubscribed + excluded.unsubscribed, spam_complaints = campaign_analytics.spam_complaints + excluded.spam_complaints,
    updated = NOW();

INSERT INTO sequence_step_analytics (step_id, campaign_id, company_id, billing_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
SELECT step_id, campaign_id, company_id, billing_id,
       SUM(sent), SUM(delivered), SUM(opened), SUM(clicked), SUM(replied), SUM(bounced), SUM(unsubscribed), SUM(complained)
FROM agg WHERE NOT is_warmup
GROUP BY step_id, campaign_id, company_id, billing_id
ON CONFLICT (step_id, billing_id) DO UPDATE SET
    sent = sequence_step_analytics.sent + excluded.sent, delivered = sequence_step_analytics.delivered + excluded.delivered,
    opened_tracked = sequence_step_analytics.opened_tracked + excluded.opened_tracked, clicked_tracked = sequence_step_analytics.clicked_tracked + excluded.clicked_tracked,
    replied = sequence_step_analytics.replied + excluded.replied, bounced = sequence_step_analytics.bounced + excluded.bounced,
    unsubscribed = sequence_step_analytics.unsubscribed + excluded.unsubscribed, spam_complaints = sequence_step_analytics.spam_complaints + excluded.spam_complaints,
    updated = NOW();

INSERT INTO lead_analytics (lead_id, campaign_id, company_id, billing_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
SELECT lead_id, campaign_id, company_id, billing_id,
       SUM(sent), SUM(delivered), SUM(opened), SUM(clicked), SUM(replied), SUM(bounced), SUM(unsubscribed), SUM(complained)
FROM agg WHERE NOT is_warmup
GROUP BY lead_id, campaign_id, company_id, billing_id
ON CONFLICT (lead_id, campaign_id, billing_id) DO UPDATE SET
    sent = lead_analytics.sent + excluded.sent, delivered = lead_analytics.delivered + excluded.delivered,
    opened_tracked = lead_analytics.opened_tracked + excluded.opened_tracked, clicked_tracked = lead_analytics.clicked_tracked + excluded.clicked_tracked,
    replied = lead_analytics.replied + excluded.replied, bounced = lead_analytics.bounced + excluded.bounced,
    unsubscribed = lead_analytics.unsubscribed + excluded.unsubscribed, spam_complaints = lead_analytics.spam_complaints + excluded.spam_complaints,
    updated = NOW();

-- Mailboxes also remember the campaign they last sent for in the period (latest sent_at, then
-- the greatest campaign id), which decides their campaign_status.
INSERT INTO mailbox_analytics (mailbox_id, company_id, billing_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints, last_sent_at, last_campaign_id)
SELECT g.mailbox_id, g.company_id, g.billing_id,
       g.sent, g.delivered, g.opened, g.clicked, g.replied, g.bounced, g.unsubscribed, g.complained, g.last_sent_at, lc.campaign_id
FROM (
    SELECT mailbox_id, company_id, billing_id,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened, SUM(clicked) AS clicked, SUM(replied) AS replied,
           SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS complained,
           MAX(CASE WHEN sent = 1 THEN sent_at END) AS last_sent_at
    FROM agg WHERE NOT is_warmup
    GROUP BY mailbox_id, company_id, billing_id
) g
LEFT JOIN (
    SELECT x.mailbox_id, x.billing_id, x.campaign_id
    FROM (
        SELECT mailbox_id, billing_id, campaign_id,
               ROW_NUMBER() OVER (PARTITION BY mailbox_id, billing_id ORDER BY sent_at DESC, campaign_id DESC) AS rn
        FROM agg WHERE NOT is_warmup AND sent = 1
    ) x
    WHERE x.rn = 1
) lc ON lc.mailbox_id = g.mailbox_id AND lc.billing_id = g.billing_id
ON CONFLICT (mailbox_id, billing_id) DO UPDATE SET
    sent = mailbox_analytics.sent + excluded.sent, delivered = mailbox_analytics.delivered + excluded.delivered,
    opened_tracked = mailbox_analytics.opened_tracked + excluded.opened_tracked, clicked_tracked = mailbox_analytics.clicked_tracked + excluded.clicked_tracked,
    replied = mailbox_analytics.replied + excluded.replied, bounced = mailbox_analytics.bounced + excluded.bounced,
    unsubscribed = mailbox_analytics.unsubscribed + excluded.unsubscribed, spam_complaints = mailbox_analytics.spam_complaints + excluded.spam_complaints,
    last_campaign_id = CASE
        WHEN excluded.last_sent_at IS NULL THEN mailbox_analytics.last_campaign_id
        WHEN mailbox_analytics.last_sent_at IS NULL OR excluded.last_sent_at > mailbox_analytics.last_sent_at THEN excluded.last_campaign_id
        WHEN excluded.last_sent_at = mailbox_analytics.last_sent_at THEN GREATEST(excluded.last_campaign_id, mailbox_analytics.last_campaign_id)
        ELSE mailbox_analytics.last_campaign_id END,
    last_sent_at = GREATEST(mailbox_analytics.last_sent_at, excluded.last_sent_at),
    updated = NOW();

-- Warmup traffic: one row per mailbox per day.
INSERT INTO warmup_analytics (mailbox_id, company_id, snapshot_date, billing_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
SELECT mailbox_id, company_id, day, billing_id,
       SUM(sent), SUM(delivered), SUM(opened), SUM(clicked), SUM(replied), SUM(bounced), SUM(unsubscribed), SUM(complained)
FROM agg WHERE is_warmup
GROUP BY mailbox_id, company_id, day, billing_id
ON CONFLICT (mailbox_id, snapshot_date) DO UPDATE SET
    sent = warmup_analytics.sent + excluded.sent, delivered = warmup_analytics.delivered + excluded.delivered,
    opened_tracked = warmup_analytics.opened_tracked + excluded.opened_tracked, clicked_tracked = warmup_analytics.clicked_tracked + excluded.clicked_tracked,
    replied = warmup_analytics.replied + excluded.replied, bounced = warmup_analytics.bounced + excluded.bounced,
    unsubscribed = warmup_analytics.unsubscribed + excluded.unsubscribed, spam_complaints = warmup_analytics.spam_complaints + excluded.spam_complaints,
    updated = NOW();

-- What was touched: entities with new deltas, and entities upserted since the last fold.
DROP TABLE IF EXISTS touched_campaigns;
CREATE TEMP TABLE touched_campaigns AS
SELECT DISTINCT campaign_id AS id FROM agg WHERE campaign_id IS NOT NULL
UNION SELECT entity_id FROM fold_entities WHERE entity_type = 'campaign';

DROP TABLE IF EXISTS touched_leads;
CREATE TEMP TABLE touched_leads AS
SELECT DISTINCT lead_id AS id FROM agg WHERE lead_id IS NOT NULL
UNION SELECT entity_id FROM fold_entities WHERE entity_type = 'lead';

DROP TABLE IF EXISTS touched_mailboxes;
CREATE TEMP TABLE touched_mailboxes AS
SELECT DISTINCT mailbox_id AS id FROM agg
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
WHERE campaign_analytics.id = a.id;

UPDATE lead_analytics SET status = l.status, updated = NOW()
FROM leads l
WHERE l.id = lead_analytics.lead_id AND lead_analytics.lead_id IN (SELECT id FROM touched_leads);

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
WHERE mailbox_analytics.id = a.id;

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
WHERE warmup_analytics.id = a.id;

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
