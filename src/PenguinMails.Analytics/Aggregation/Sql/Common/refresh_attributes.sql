-- Step 3, shared by the fold and the recompute: refresh the attributes and the billing usage of
-- what apply.sql touched (and of entities upserted since the last fold), from the tables as they
-- now are. The recompute prunes the rows of its scope that it did not rebuild before this runs
-- (recompute_prune.sql), so that nothing stale is counted.

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

-- Analysed: a fold touches a few of them, and PostgreSQL plans an unanalysed temp table as
-- thousands of rows, then reads the whole of lead_analytics for them (a 1,000-event fold into
-- 1 M emails: attr_campaigns 207 ms, billing_usage 298 ms).
ANALYZE touched_campaigns;
ANALYZE touched_mailboxes;

-- Campaign attributes: status from the campaign; completed_leads = leads that replied in the
-- period; distinct leads (DESIGN.md, "Metrics users can trust"): contacted, with a human reply,
-- with a positive one. All counted from the period's lead rows (one per lead and campaign).
DROP TABLE IF EXISTS attr_campaigns;
CREATE TEMP TABLE attr_campaigns AS
SELECT ca.id, c.status, COALESCE(r.completed, 0) AS completed_leads,
       COALESCE(r.contacted, 0) AS leads_contacted, COALESCE(r.replied_human, 0) AS leads_replied, COALESCE(r.positive, 0) AS leads_positive
FROM campaign_analytics ca
JOIN campaigns c ON c.id = ca.campaign_id
LEFT JOIN (
    SELECT campaign_id, billing_id,
           SUM(CASE WHEN replied > 0 THEN 1 ELSE 0 END) AS completed,
           SUM(CASE WHEN sent > 0 THEN 1 ELSE 0 END) AS contacted,
           SUM(CASE WHEN replied_human > 0 THEN 1 ELSE 0 END) AS replied_human,
           SUM(CASE WHEN replied_positive > 0 THEN 1 ELSE 0 END) AS positive
    FROM lead_analytics
    WHERE campaign_id IN (SELECT id FROM touched_campaigns)
    GROUP BY campaign_id, billing_id
) r ON r.campaign_id = ca.campaign_id AND r.billing_id = ca.billing_id
WHERE ca.campaign_id IN (SELECT id FROM touched_campaigns);

UPDATE campaign_analytics SET status = a.status, completed_leads = a.completed_leads,
    leads_contacted = a.leads_contacted, leads_replied = a.leads_replied, leads_positive = a.leads_positive, updated = NOW()
FROM attr_campaigns a
WHERE campaign_analytics.id = a.id
  AND (campaign_analytics.status IS DISTINCT FROM a.status OR campaign_analytics.completed_leads IS DISTINCT FROM a.completed_leads
       OR campaign_analytics.leads_contacted IS DISTINCT FROM a.leads_contacted OR campaign_analytics.leads_replied IS DISTINCT FROM a.leads_replied
       OR campaign_analytics.leads_positive IS DISTINCT FROM a.leads_positive);

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
    JOIN companies co3 ON co3.id = ma3.company_id
    JOIN tenants tn3 ON tn3.id = co3.tenant_id
    JOIN daily_mailbox_stats d ON d.mailbox_id = ma3.mailbox_id
         AND d.day <= penguin_local_day(ma3.last_sent_at, tn3.time_zone) AND d.day > penguin_local_day(ma3.last_sent_at, tn3.time_zone) - 14
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
-- forward), else the day's own warmup counters through penguin_health_score. Carried in one
-- ordered pass per mailbox: each snapshot day gives its last values (is_row 0, before that day's
-- warmup row), and a warmup row takes the values of its group, which starts at the last snapshot
-- day with a value (a running count of values). Joining every earlier snapshot to every day
-- instead grew with days x snapshots: 1.1 M rows sorted twice for 24 k warmup rows at 1 M emails
-- (PostgreSQL 3.7 s).
DROP TABLE IF EXISTS attr_warmup;
CREATE TEMP TABLE attr_warmup AS
SELECT g.id,
       COALESCE(g.carried_health, penguin_health_score(g.sent, g.delivered, g.opened_tracked, g.replied, g.bounced, g.spam_complaints)) AS health_score,
       g.carried_progress AS progress_percentage
FROM (
    SELECT r.id, r.is_row, r.sent, r.delivered, r.opened_tracked, r.replied, r.bounced, r.spam_complaints,
           MAX(r.health) OVER (PARTITION BY r.mailbox_id, r.health_group) AS carried_health,
           MAX(r.progress) OVER (PARTITION BY r.mailbox_id, r.progress_group) AS carried_progress
    FROM (
        SELECT u.*,
               COUNT(u.health) OVER (PARTITION BY u.mailbox_id ORDER BY u.day, u.is_row ROWS UNBOUNDED PRECEDING) AS health_group,
               COUNT(u.progress) OVER (PARTITION BY u.mailbox_id ORDER BY u.day, u.is_row ROWS UNBOUNDED PRECEDING) AS progress_group
        FROM (
            SELECT w.mailbox_id, w.snapshot_date AS day, 1 AS is_row, w.id,
                   CAST(NULL AS INTEGER) AS health, CAST(NULL AS INTEGER) AS progress,
                   w.sent, w.delivered, w.opened_tracked, w.replied, w.bounced, w.spam_complaints
            FROM warmup_analytics w
            WHERE w.mailbox_id IN (SELECT id FROM touched_mailboxes)
            UNION ALL
            SELECT DISTINCT s.mailbox_id, penguin_utc_day(s.occurred_at), 0, CAST(NULL AS BIGINT),
                   FIRST_VALUE(s.health_score) OVER (PARTITION BY s.mailbox_id, penguin_utc_day(s.occurred_at)
                       ORDER BY CASE WHEN s.health_score IS NULL THEN 1 ELSE 0 END, s.occurred_at DESC, s.event_id DESC),
                   FIRST_VALUE(s.progress_percentage) OVER (PARTITION BY s.mailbox_id, penguin_utc_day(s.occurred_at)
                       ORDER BY CASE WHEN s.progress_percentage IS NULL THEN 1 ELSE 0 END, s.occurred_at DESC, s.event_id DESC),
                   CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), CAST(NULL AS INTEGER)
            FROM mailbox_health_snapshots s
            WHERE s.mailbox_id IN (SELECT id FROM touched_mailboxes)
        ) u
    ) r
) g
WHERE g.is_row = 1;

UPDATE warmup_analytics SET health_score = a.health_score, progress_percentage = a.progress_percentage, updated = NOW()
FROM attr_warmup a
WHERE warmup_analytics.id = a.id
  AND (warmup_analytics.health_score IS DISTINCT FROM a.health_score OR warmup_analytics.progress_percentage IS DISTINCT FROM a.progress_percentage);

-- Billing usage (DESIGN.md, decision 5), recounted for every touched period from the period
-- tables: campaign emails sent, distinct mailboxes, domains, campaigns and leads with campaign
-- email sent, distinct mailboxes with warmup traffic.
DROP TABLE IF EXISTS touched_billing;
CREATE TEMP TABLE touched_billing AS
SELECT DISTINCT billing_id AS id FROM agg WHERE in_period = 1
UNION SELECT DISTINCT ma.billing_id FROM mailbox_analytics ma
      WHERE ma.mailbox_id IN (SELECT entity_id FROM fold_entities WHERE entity_type = 'mailbox');
ANALYZE touched_billing;

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
