-- Step 2, shared by the fold and the recompute: the deltas in agg (apply_agg.sql) go into every
-- analytics table, one grouped delta and one MERGE per table. apply_mode.keep says how: the fold
-- adds its deltas to the rows (keep = 1); the recompute feeds all emails of its scope as deltas
-- from zero and sets the rows to them (keep = 0), so both paths produce the same rows by
-- construction of these two files. A recompute writes only the rows
-- whose values differ: recomputing a correct database rewrites nothing (on PostgreSQL a rewritten
-- lead_analytics row costs a new version and an entry in each of its seven indexes: 20 s of a 75 s
-- recompute of 1 M emails). It compares and sets what the emails give: the counters, a mailbox's
-- last campaign, a warmup day's billing period and a lead's status (only changed leads are
-- refreshed after). The rest needs no comparing: parents never change (ingest refuses a move),
-- and campaign and mailbox attributes are refreshed for every touched row (refresh_attributes.sql).
-- Each table's delta stays until the next fold or recompute, so that recompute_prune.sql can
-- delete the rows of the scope that the recompute did not produce.
-- Days: billing periods and warmup rows go by UTC days; the daily rollups and send times by the
-- tenant's local days and hours (DESIGN.md, "Metrics users can trust"). A recompute rebuilds whole
-- billing periods and so whole local days at their edges: the emails it adds only for those days
-- (in_period = 0) count in the daily rollups, not in the period tables, which have them already.

-- The billing periods agg_days found without a row get one, and their ids go into agg_days and agg
-- (a fold in a new period, or a first load: every period is new then).
INSERT INTO billing_analytics (tenant_id, subscription_id, period_start, period_end)
SELECT p.tenant_id, t.subscription_id, p.period_start, p.period_start + INTERVAL '1 month'
FROM (SELECT DISTINCT tenant_id, period_start FROM agg_days) p
JOIN tenants t ON t.id = p.tenant_id
WHERE NOT EXISTS (SELECT 1 FROM billing_analytics b WHERE b.tenant_id = p.tenant_id AND b.period_start = p.period_start);

UPDATE agg_days SET billing_id = b.id
FROM billing_analytics b
WHERE agg_days.billing_id IS NULL AND b.tenant_id = agg_days.tenant_id AND b.period_start = agg_days.period_start;

UPDATE agg SET billing_id = d.billing_id
FROM agg_days d
WHERE agg.billing_id IS NULL AND d.tenant_key = agg.tenant_key AND d.day = agg.utc_day;

-- Statistics for the planner (PostgreSQL plans temp tables blind: its guess for a predicate like
-- in_period = 1 on an unanalysed column made the mailboxes' last-campaign join a nested loop of agg
-- with itself, 6.6 s of a 200 k-email fold). DuckDB runs the scripts without their ANALYZEs.
ANALYZE agg_days;
ANALYZE agg;

-- Daily rollups (campaign traffic only). Each table: the batch's deltas grouped by the table's
-- key into `delta_<table>`, then one MERGE adds them to rows that exist (a recompute: sets them, if
-- they differ) and inserts rows that do not.
-- The deltas are a table, not a sub-query of the MERGE, so that the engines know how few they
-- are: inline, DuckDB joined the target with the entity tables first and built its hash table on
-- the target (a 1,000-event fold at 10 M emails took 0.88 s in lead_analytics alone, 0.02 s with
-- the table). Not ON CONFLICT: DuckDB's unique indexes make deletes very slow, so
-- DuckDB keeps these keys unique by having one writer, under the aggregate lock; PostgreSQL also
-- has the constraints.
DROP TABLE IF EXISTS delta_daily_campaign_stats;
CREATE TEMP TABLE delta_daily_campaign_stats AS
SELECT (SELECT keep FROM apply_mode) AS keep, c.id AS campaign_id, g.day, co.id AS company_id, t.id AS tenant_id,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints,
       g.opened_human, g.clicked_human, g.replied_human, g.replied_auto, g.replied_positive
FROM (
    SELECT campaign_key, day, company_key, tenant_key,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints,
           SUM(opened_human) AS opened_human, SUM(clicked_human) AS clicked_human, SUM(replied_human) AS replied_human, SUM(replied_auto) AS replied_auto, SUM(replied_positive) AS replied_positive
    FROM agg WHERE NOT is_warmup
    GROUP BY campaign_key, day, company_key, tenant_key
) g
LEFT JOIN campaigns c ON c.campaign_key = g.campaign_key
JOIN companies co ON co.company_key = g.company_key
JOIN tenants t ON t.tenant_key = g.tenant_key;

MERGE INTO daily_campaign_stats cur
USING delta_daily_campaign_stats d
ON cur.campaign_id = d.campaign_id AND cur.day = d.day
WHEN MATCHED AND (
     d.keep = 1
     OR (cur.sent, cur.delivered, cur.opened_tracked, cur.clicked_tracked, cur.replied, cur.bounced, cur.unsubscribed, cur.spam_complaints, cur.opened_human, cur.clicked_human, cur.replied_human, cur.replied_auto, cur.replied_positive)
        IS DISTINCT FROM (d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive)) THEN UPDATE SET
    sent = cur.sent * d.keep + d.sent,
    delivered = cur.delivered * d.keep + d.delivered,
    opened_tracked = cur.opened_tracked * d.keep + d.opened_tracked,
    clicked_tracked = cur.clicked_tracked * d.keep + d.clicked_tracked,
    replied = cur.replied * d.keep + d.replied,
    bounced = cur.bounced * d.keep + d.bounced,
    unsubscribed = cur.unsubscribed * d.keep + d.unsubscribed,
    spam_complaints = cur.spam_complaints * d.keep + d.spam_complaints,
    opened_human = cur.opened_human * d.keep + d.opened_human,
    clicked_human = cur.clicked_human * d.keep + d.clicked_human,
    replied_human = cur.replied_human * d.keep + d.replied_human,
    replied_auto = cur.replied_auto * d.keep + d.replied_auto,
    replied_positive = cur.replied_positive * d.keep + d.replied_positive,
    updated = NOW()
WHEN NOT MATCHED THEN INSERT (campaign_id, day, company_id, tenant_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints, opened_human, clicked_human, replied_human, replied_auto, replied_positive)
VALUES (d.campaign_id, d.day, d.company_id, d.tenant_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive);

DROP TABLE IF EXISTS delta_daily_step_stats;
CREATE TEMP TABLE delta_daily_step_stats AS
SELECT (SELECT keep FROM apply_mode) AS keep, st.id AS step_id, g.day, c.id AS campaign_id, co.id AS company_id, t.id AS tenant_id,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints,
       g.opened_human, g.clicked_human, g.replied_human, g.replied_auto, g.replied_positive
FROM (
    SELECT step_key, day, campaign_key, company_key, tenant_key,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints,
           SUM(opened_human) AS opened_human, SUM(clicked_human) AS clicked_human, SUM(replied_human) AS replied_human, SUM(replied_auto) AS replied_auto, SUM(replied_positive) AS replied_positive
    FROM agg WHERE NOT is_warmup
    GROUP BY step_key, day, campaign_key, company_key, tenant_key
) g
LEFT JOIN sequence_steps st ON st.step_key = g.step_key
LEFT JOIN campaigns c ON c.campaign_key = g.campaign_key
JOIN companies co ON co.company_key = g.company_key
JOIN tenants t ON t.tenant_key = g.tenant_key;

MERGE INTO daily_step_stats cur
USING delta_daily_step_stats d
ON cur.step_id = d.step_id AND cur.day = d.day
WHEN MATCHED AND (
     d.keep = 1
     OR (cur.sent, cur.delivered, cur.opened_tracked, cur.clicked_tracked, cur.replied, cur.bounced, cur.unsubscribed, cur.spam_complaints, cur.opened_human, cur.clicked_human, cur.replied_human, cur.replied_auto, cur.replied_positive)
        IS DISTINCT FROM (d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive)) THEN UPDATE SET
    sent = cur.sent * d.keep + d.sent,
    delivered = cur.delivered * d.keep + d.delivered,
    opened_tracked = cur.opened_tracked * d.keep + d.opened_tracked,
    clicked_tracked = cur.clicked_tracked * d.keep + d.clicked_tracked,
    replied = cur.replied * d.keep + d.replied,
    bounced = cur.bounced * d.keep + d.bounced,
    unsubscribed = cur.unsubscribed * d.keep + d.unsubscribed,
    spam_complaints = cur.spam_complaints * d.keep + d.spam_complaints,
    opened_human = cur.opened_human * d.keep + d.opened_human,
    clicked_human = cur.clicked_human * d.keep + d.clicked_human,
    replied_human = cur.replied_human * d.keep + d.replied_human,
    replied_auto = cur.replied_auto * d.keep + d.replied_auto,
    replied_positive = cur.replied_positive * d.keep + d.replied_positive,
    updated = NOW()
WHEN NOT MATCHED THEN INSERT (step_id, day, campaign_id, company_id, tenant_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints, opened_human, clicked_human, replied_human, replied_auto, replied_positive)
VALUES (d.step_id, d.day, d.campaign_id, d.company_id, d.tenant_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive);

DROP TABLE IF EXISTS delta_daily_mailbox_stats;
CREATE TEMP TABLE delta_daily_mailbox_stats AS
SELECT (SELECT keep FROM apply_mode) AS keep, m.id AS mailbox_id, g.day, co.id AS company_id, t.id AS tenant_id,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints,
       g.opened_human, g.clicked_human, g.replied_human, g.replied_auto, g.replied_positive
FROM (
    SELECT mailbox_key, day, company_key, tenant_key,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints,
           SUM(opened_human) AS opened_human, SUM(clicked_human) AS clicked_human, SUM(replied_human) AS replied_human, SUM(replied_auto) AS replied_auto, SUM(replied_positive) AS replied_positive
    FROM agg WHERE NOT is_warmup
    GROUP BY mailbox_key, day, company_key, tenant_key
) g
JOIN mailboxes m ON m.mailbox_key = g.mailbox_key
JOIN companies co ON co.company_key = g.company_key
JOIN tenants t ON t.tenant_key = g.tenant_key;

MERGE INTO daily_mailbox_stats cur
USING delta_daily_mailbox_stats d
ON cur.mailbox_id = d.mailbox_id AND cur.day = d.day
WHEN MATCHED AND (
     d.keep = 1
     OR (cur.sent, cur.delivered, cur.opened_tracked, cur.clicked_tracked, cur.replied, cur.bounced, cur.unsubscribed, cur.spam_complaints, cur.opened_human, cur.clicked_human, cur.replied_human, cur.replied_auto, cur.replied_positive)
        IS DISTINCT FROM (d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive)) THEN UPDATE SET
    sent = cur.sent * d.keep + d.sent,
    delivered = cur.delivered * d.keep + d.delivered,
    opened_tracked = cur.opened_tracked * d.keep + d.opened_tracked,
    clicked_tracked = cur.clicked_tracked * d.keep + d.clicked_tracked,
    replied = cur.replied * d.keep + d.replied,
    bounced = cur.bounced * d.keep + d.bounced,
    unsubscribed = cur.unsubscribed * d.keep + d.unsubscribed,
    spam_complaints = cur.spam_complaints * d.keep + d.spam_complaints,
    opened_human = cur.opened_human * d.keep + d.opened_human,
    clicked_human = cur.clicked_human * d.keep + d.clicked_human,
    replied_human = cur.replied_human * d.keep + d.replied_human,
    replied_auto = cur.replied_auto * d.keep + d.replied_auto,
    replied_positive = cur.replied_positive * d.keep + d.replied_positive,
    updated = NOW()
WHEN NOT MATCHED THEN INSERT (mailbox_id, day, company_id, tenant_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints, opened_human, clicked_human, replied_human, replied_auto, replied_positive)
VALUES (d.mailbox_id, d.day, d.company_id, d.tenant_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive);

DROP TABLE IF EXISTS delta_daily_tenant_stats;
CREATE TEMP TABLE delta_daily_tenant_stats AS
SELECT (SELECT keep FROM apply_mode) AS keep, t.id AS tenant_id, g.day,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints,
       g.opened_human, g.clicked_human, g.replied_human, g.replied_auto, g.replied_positive
FROM (
    SELECT tenant_key, day,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints,
           SUM(opened_human) AS opened_human, SUM(clicked_human) AS clicked_human, SUM(replied_human) AS replied_human, SUM(replied_auto) AS replied_auto, SUM(replied_positive) AS replied_positive
    FROM agg WHERE NOT is_warmup
    GROUP BY tenant_key, day
) g
JOIN tenants t ON t.tenant_key = g.tenant_key;

MERGE INTO daily_tenant_stats cur
USING delta_daily_tenant_stats d
ON cur.tenant_id = d.tenant_id AND cur.day = d.day
WHEN MATCHED AND (
     d.keep = 1
     OR (cur.sent, cur.delivered, cur.opened_tracked, cur.clicked_tracked, cur.replied, cur.bounced, cur.unsubscribed, cur.spam_complaints, cur.opened_human, cur.clicked_human, cur.replied_human, cur.replied_auto, cur.replied_positive)
        IS DISTINCT FROM (d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive)) THEN UPDATE SET
    sent = cur.sent * d.keep + d.sent,
    delivered = cur.delivered * d.keep + d.delivered,
    opened_tracked = cur.opened_tracked * d.keep + d.opened_tracked,
    clicked_tracked = cur.clicked_tracked * d.keep + d.clicked_tracked,
    replied = cur.replied * d.keep + d.replied,
    bounced = cur.bounced * d.keep + d.bounced,
    unsubscribed = cur.unsubscribed * d.keep + d.unsubscribed,
    spam_complaints = cur.spam_complaints * d.keep + d.spam_complaints,
    opened_human = cur.opened_human * d.keep + d.opened_human,
    clicked_human = cur.clicked_human * d.keep + d.clicked_human,
    replied_human = cur.replied_human * d.keep + d.replied_human,
    replied_auto = cur.replied_auto * d.keep + d.replied_auto,
    replied_positive = cur.replied_positive * d.keep + d.replied_positive,
    updated = NOW()
WHEN NOT MATCHED THEN INSERT (tenant_id, day, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints, opened_human, clicked_human, replied_human, replied_auto, replied_positive)
VALUES (d.tenant_id, d.day, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive);

-- Period-to-date analytics per billing period; new rows take their attributes at once (carried
-- in the delta from the same join that names the entity).
DROP TABLE IF EXISTS delta_campaign_analytics;
CREATE TEMP TABLE delta_campaign_analytics AS
SELECT (SELECT keep FROM apply_mode) AS keep, c.id AS campaign_id, g.billing_id, co.id AS company_id,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints,
       g.opened_human, g.clicked_human, g.replied_human, g.replied_auto, g.replied_positive,
       c.status AS campaign_status
FROM (
    SELECT campaign_key, billing_id, company_key,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints,
           SUM(opened_human) AS opened_human, SUM(clicked_human) AS clicked_human, SUM(replied_human) AS replied_human, SUM(replied_auto) AS replied_auto, SUM(replied_positive) AS replied_positive
    FROM agg WHERE NOT is_warmup AND in_period = 1
    GROUP BY campaign_key, billing_id, company_key
) g
LEFT JOIN campaigns c ON c.campaign_key = g.campaign_key
JOIN companies co ON co.company_key = g.company_key;

MERGE INTO campaign_analytics cur
USING delta_campaign_analytics d
ON cur.campaign_id = d.campaign_id AND cur.billing_id = d.billing_id
WHEN MATCHED AND (
     d.keep = 1
     OR (cur.sent, cur.delivered, cur.opened_tracked, cur.clicked_tracked, cur.replied, cur.bounced, cur.unsubscribed, cur.spam_complaints, cur.opened_human, cur.clicked_human, cur.replied_human, cur.replied_auto, cur.replied_positive)
        IS DISTINCT FROM (d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive)) THEN UPDATE SET
    sent = cur.sent * d.keep + d.sent,
    delivered = cur.delivered * d.keep + d.delivered,
    opened_tracked = cur.opened_tracked * d.keep + d.opened_tracked,
    clicked_tracked = cur.clicked_tracked * d.keep + d.clicked_tracked,
    replied = cur.replied * d.keep + d.replied,
    bounced = cur.bounced * d.keep + d.bounced,
    unsubscribed = cur.unsubscribed * d.keep + d.unsubscribed,
    spam_complaints = cur.spam_complaints * d.keep + d.spam_complaints,
    opened_human = cur.opened_human * d.keep + d.opened_human,
    clicked_human = cur.clicked_human * d.keep + d.clicked_human,
    replied_human = cur.replied_human * d.keep + d.replied_human,
    replied_auto = cur.replied_auto * d.keep + d.replied_auto,
    replied_positive = cur.replied_positive * d.keep + d.replied_positive,
    updated = NOW()
WHEN NOT MATCHED AND d.campaign_id IS NOT NULL THEN INSERT (campaign_id, billing_id, company_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints, opened_human, clicked_human, replied_human, replied_auto, replied_positive, status)
VALUES (d.campaign_id, d.billing_id, d.company_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive, d.campaign_status);

-- Distinct leads per step and period (leads_contacted, leads_replied with a human reply,
-- leads_positive): a lead counts once however many of the step's emails it got. For each
-- (step, lead, period) whose emails this batch changes, the raw store (already updated) gives the
-- counts after it; minus the batch's deltas, the counts before; the lead's change is whether each
-- is above zero after, less before. A group none of whose emails is from before the batch needs
-- no second look at the raw store: its deltas are its counts after, from zero. That is every
-- group of a recompute (it starts from zero, over whole periods), and of a fold every group whose
-- lead had no email of the step's campaign in the period: lead_analytics, before this batch's
-- MERGE below, has no row for it (lead_earlier lists the groups whose lead has one).
DROP TABLE IF EXISTS lead_groups;
CREATE TEMP TABLE lead_groups AS
SELECT tenant_key, step_key, lead_key, campaign_key, billing_id, MIN(period_start) AS period_start, MIN(period_end) AS period_end,
       SUM(sent) AS sent, SUM(replied_human) AS replied_human, SUM(replied_positive) AS replied_positive
FROM agg WHERE NOT is_warmup AND in_period = 1
GROUP BY tenant_key, step_key, lead_key, campaign_key, billing_id
HAVING SUM(sent) <> 0 OR SUM(replied_human) <> 0 OR SUM(replied_positive) <> 0;

ANALYZE lead_groups;

DROP TABLE IF EXISTS lead_earlier;
CREATE TEMP TABLE lead_earlier AS
SELECT g.lead_key, g.campaign_key, g.billing_id
FROM (SELECT DISTINCT lead_key, campaign_key, billing_id FROM lead_groups WHERE (SELECT keep FROM apply_mode) = 1) g
JOIN leads l ON l.lead_key = g.lead_key
JOIN campaigns c ON c.campaign_key = g.campaign_key
JOIN lead_analytics la ON la.lead_id = l.id AND la.campaign_id = c.id AND la.billing_id = g.billing_id;

ANALYZE lead_earlier;

DROP TABLE IF EXISTS lead_steps;
CREATE TEMP TABLE lead_steps AS
SELECT x.step_key, x.billing_id,
       SUM(CASE WHEN x.sent_after > 0 THEN 1 ELSE 0 END) - SUM(CASE WHEN x.sent_after - x.sent > 0 THEN 1 ELSE 0 END) AS leads_contacted,
       SUM(CASE WHEN x.replied_human_after > 0 THEN 1 ELSE 0 END) - SUM(CASE WHEN x.replied_human_after - x.replied_human > 0 THEN 1 ELSE 0 END) AS leads_replied,
       SUM(CASE WHEN x.replied_positive_after > 0 THEN 1 ELSE 0 END) - SUM(CASE WHEN x.replied_positive_after - x.replied_positive > 0 THEN 1 ELSE 0 END) AS leads_positive
FROM (
    SELECT g.step_key, g.billing_id, g.sent, g.replied_human, g.replied_positive,
           COUNT(*) AS sent_after,
           SUM(CASE WHEN e.replied_human_at IS NOT NULL THEN 1 ELSE 0 END) AS replied_human_after,
           SUM(CASE WHEN e.replied_human_at IS NOT NULL AND e.reply_category IN ('interested', 'meeting_booked') THEN 1 ELSE 0 END) AS replied_positive_after
    FROM lead_groups g
    JOIN lead_earlier le ON le.lead_key = g.lead_key AND le.campaign_key = g.campaign_key AND le.billing_id = g.billing_id
    JOIN emails e ON e.tenant_key = g.tenant_key AND e.step_key = g.step_key AND e.lead_key = g.lead_key
                 AND e.sent_at >= g.period_start AND e.sent_at < g.period_end
    GROUP BY g.tenant_key, g.step_key, g.lead_key, g.billing_id, g.sent, g.replied_human, g.replied_positive
    UNION ALL
    SELECT g.step_key, g.billing_id, g.sent, g.replied_human, g.replied_positive, g.sent, g.replied_human, g.replied_positive
    FROM lead_groups g
    WHERE NOT EXISTS (SELECT 1 FROM lead_earlier le WHERE le.lead_key = g.lead_key AND le.campaign_key = g.campaign_key AND le.billing_id = g.billing_id)
) x
GROUP BY x.step_key, x.billing_id;

DROP TABLE IF EXISTS delta_sequence_step_analytics;
CREATE TEMP TABLE delta_sequence_step_analytics AS
SELECT (SELECT keep FROM apply_mode) AS keep, st.id AS step_id, g.billing_id, c.id AS campaign_id, co.id AS company_id,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints,
       g.opened_human, g.clicked_human, g.replied_human, g.replied_auto, g.replied_positive,
       COALESCE(ls.leads_contacted, 0) AS leads_contacted, COALESCE(ls.leads_replied, 0) AS leads_replied, COALESCE(ls.leads_positive, 0) AS leads_positive
FROM (
    SELECT step_key, billing_id, campaign_key, company_key,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints,
           SUM(opened_human) AS opened_human, SUM(clicked_human) AS clicked_human, SUM(replied_human) AS replied_human, SUM(replied_auto) AS replied_auto, SUM(replied_positive) AS replied_positive
    FROM agg WHERE NOT is_warmup AND in_period = 1
    GROUP BY step_key, billing_id, campaign_key, company_key
) g
LEFT JOIN sequence_steps st ON st.step_key = g.step_key
LEFT JOIN campaigns c ON c.campaign_key = g.campaign_key
JOIN companies co ON co.company_key = g.company_key
LEFT JOIN lead_steps ls ON ls.step_key = g.step_key AND ls.billing_id = g.billing_id;

MERGE INTO sequence_step_analytics cur
USING delta_sequence_step_analytics d
ON cur.step_id = d.step_id AND cur.billing_id = d.billing_id
WHEN MATCHED AND (
     d.keep = 1
     OR (cur.sent, cur.delivered, cur.opened_tracked, cur.clicked_tracked, cur.replied, cur.bounced, cur.unsubscribed, cur.spam_complaints, cur.opened_human, cur.clicked_human, cur.replied_human, cur.replied_auto, cur.replied_positive, cur.leads_contacted, cur.leads_replied, cur.leads_positive)
        IS DISTINCT FROM (d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive, d.leads_contacted, d.leads_replied, d.leads_positive)) THEN UPDATE SET
    sent = cur.sent * d.keep + d.sent,
    delivered = cur.delivered * d.keep + d.delivered,
    opened_tracked = cur.opened_tracked * d.keep + d.opened_tracked,
    clicked_tracked = cur.clicked_tracked * d.keep + d.clicked_tracked,
    replied = cur.replied * d.keep + d.replied,
    bounced = cur.bounced * d.keep + d.bounced,
    unsubscribed = cur.unsubscribed * d.keep + d.unsubscribed,
    spam_complaints = cur.spam_complaints * d.keep + d.spam_complaints,
    opened_human = cur.opened_human * d.keep + d.opened_human,
    clicked_human = cur.clicked_human * d.keep + d.clicked_human,
    replied_human = cur.replied_human * d.keep + d.replied_human,
    replied_auto = cur.replied_auto * d.keep + d.replied_auto,
    replied_positive = cur.replied_positive * d.keep + d.replied_positive,
    leads_contacted = cur.leads_contacted * d.keep + d.leads_contacted,
    leads_replied = cur.leads_replied * d.keep + d.leads_replied,
    leads_positive = cur.leads_positive * d.keep + d.leads_positive,
    updated = NOW()
WHEN NOT MATCHED THEN INSERT (step_id, billing_id, campaign_id, company_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints, opened_human, clicked_human, replied_human, replied_auto, replied_positive, leads_contacted, leads_replied, leads_positive)
VALUES (d.step_id, d.billing_id, d.campaign_id, d.company_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive, d.leads_contacted, d.leads_replied, d.leads_positive);

DROP TABLE IF EXISTS delta_lead_analytics;
CREATE TEMP TABLE delta_lead_analytics AS
SELECT (SELECT keep FROM apply_mode) AS keep, l.id AS lead_id, c.id AS campaign_id, g.billing_id, co.id AS company_id,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints,
       g.opened_human, g.clicked_human, g.replied_human, g.replied_auto, g.replied_positive,
       l.status AS lead_status
FROM (
    SELECT lead_key, campaign_key, billing_id, company_key,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints,
           SUM(opened_human) AS opened_human, SUM(clicked_human) AS clicked_human, SUM(replied_human) AS replied_human, SUM(replied_auto) AS replied_auto, SUM(replied_positive) AS replied_positive
    FROM agg WHERE NOT is_warmup AND in_period = 1
    GROUP BY lead_key, campaign_key, billing_id, company_key
) g
LEFT JOIN leads l ON l.lead_key = g.lead_key
LEFT JOIN campaigns c ON c.campaign_key = g.campaign_key
JOIN companies co ON co.company_key = g.company_key;

MERGE INTO lead_analytics cur
USING delta_lead_analytics d
ON cur.lead_id = d.lead_id AND cur.campaign_id = d.campaign_id AND cur.billing_id = d.billing_id
WHEN MATCHED AND (
     d.keep = 1
     OR (cur.sent, cur.delivered, cur.opened_tracked, cur.clicked_tracked, cur.replied, cur.bounced, cur.unsubscribed, cur.spam_complaints, cur.opened_human, cur.clicked_human, cur.replied_human, cur.replied_auto, cur.replied_positive, cur.status)
        IS DISTINCT FROM (d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive, d.lead_status)) THEN UPDATE SET
    sent = cur.sent * d.keep + d.sent,
    delivered = cur.delivered * d.keep + d.delivered,
    opened_tracked = cur.opened_tracked * d.keep + d.opened_tracked,
    clicked_tracked = cur.clicked_tracked * d.keep + d.clicked_tracked,
    replied = cur.replied * d.keep + d.replied,
    bounced = cur.bounced * d.keep + d.bounced,
    unsubscribed = cur.unsubscribed * d.keep + d.unsubscribed,
    spam_complaints = cur.spam_complaints * d.keep + d.spam_complaints,
    opened_human = cur.opened_human * d.keep + d.opened_human,
    clicked_human = cur.clicked_human * d.keep + d.clicked_human,
    replied_human = cur.replied_human * d.keep + d.replied_human,
    replied_auto = cur.replied_auto * d.keep + d.replied_auto,
    replied_positive = cur.replied_positive * d.keep + d.replied_positive,
    status = CASE WHEN d.keep = 1 THEN cur.status ELSE d.lead_status END,
    updated = NOW()
WHEN NOT MATCHED AND d.lead_id IS NOT NULL THEN INSERT (lead_id, campaign_id, billing_id, company_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints, opened_human, clicked_human, replied_human, replied_auto, replied_positive, status)
VALUES (d.lead_id, d.campaign_id, d.billing_id, d.company_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive, d.lead_status);

-- Mailboxes also remember the campaign they last sent for in the period, which decides their
-- campaign_status: its latest sent_at, and among campaigns sent at that very moment the greatest
-- campaign id (a window over text ids per email would cost the join this file avoids; the
-- candidates at the latest moment are few).
DROP TABLE IF EXISTS delta_last;
CREATE TEMP TABLE delta_last AS
SELECT m.id AS mailbox_id, x.billing_id, MAX(c.id) AS campaign_id
FROM (
    SELECT mailbox_key, billing_id, MAX(sent_at) AS last_sent_at
    FROM agg WHERE NOT is_warmup AND sent = 1 AND in_period = 1
    GROUP BY mailbox_key, billing_id
) x
JOIN agg a ON a.mailbox_key = x.mailbox_key AND a.billing_id = x.billing_id AND a.sent_at = x.last_sent_at AND NOT a.is_warmup AND a.sent = 1 AND a.in_period = 1
JOIN campaigns c ON c.campaign_key = a.campaign_key
JOIN mailboxes m ON m.mailbox_key = x.mailbox_key
GROUP BY m.id, x.billing_id;

DROP TABLE IF EXISTS delta_mailbox_analytics;
CREATE TEMP TABLE delta_mailbox_analytics AS
SELECT (SELECT keep FROM apply_mode) AS keep, m.id AS mailbox_id, g.billing_id, co.id AS company_id,
       g.last_sent_at, g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints,
       g.opened_human, g.clicked_human, g.replied_human, g.replied_auto, g.replied_positive,
       m.warmup_status, COALESCE(m.current_volume, 0) AS current_volume, lc.campaign_id AS last_campaign_id
FROM (
    SELECT mailbox_key, billing_id, company_key,
           MAX(CASE WHEN sent = 1 THEN sent_at END) AS last_sent_at, SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints,
           SUM(opened_human) AS opened_human, SUM(clicked_human) AS clicked_human, SUM(replied_human) AS replied_human, SUM(replied_auto) AS replied_auto, SUM(replied_positive) AS replied_positive
    FROM agg WHERE NOT is_warmup AND in_period = 1
    GROUP BY mailbox_key, billing_id, company_key
) g
JOIN mailboxes m ON m.mailbox_key = g.mailbox_key
JOIN companies co ON co.company_key = g.company_key
LEFT JOIN delta_last lc ON lc.mailbox_id = m.id AND lc.billing_id = g.billing_id;

MERGE INTO mailbox_analytics cur
USING delta_mailbox_analytics d
ON cur.mailbox_id = d.mailbox_id AND cur.billing_id = d.billing_id
WHEN MATCHED AND (
     d.keep = 1
     OR (cur.sent, cur.delivered, cur.opened_tracked, cur.clicked_tracked, cur.replied, cur.bounced, cur.unsubscribed, cur.spam_complaints, cur.opened_human, cur.clicked_human, cur.replied_human, cur.replied_auto, cur.replied_positive, cur.last_sent_at, cur.last_campaign_id)
        IS DISTINCT FROM (d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive, d.last_sent_at, d.last_campaign_id)) THEN UPDATE SET
    sent = cur.sent * d.keep + d.sent,
    delivered = cur.delivered * d.keep + d.delivered,
    opened_tracked = cur.opened_tracked * d.keep + d.opened_tracked,
    clicked_tracked = cur.clicked_tracked * d.keep + d.clicked_tracked,
    replied = cur.replied * d.keep + d.replied,
    bounced = cur.bounced * d.keep + d.bounced,
    unsubscribed = cur.unsubscribed * d.keep + d.unsubscribed,
    spam_complaints = cur.spam_complaints * d.keep + d.spam_complaints,
    opened_human = cur.opened_human * d.keep + d.opened_human,
    clicked_human = cur.clicked_human * d.keep + d.clicked_human,
    replied_human = cur.replied_human * d.keep + d.replied_human,
    replied_auto = cur.replied_auto * d.keep + d.replied_auto,
    replied_positive = cur.replied_positive * d.keep + d.replied_positive,
    last_sent_at = CASE WHEN d.keep = 1 THEN GREATEST(cur.last_sent_at, d.last_sent_at) ELSE d.last_sent_at END,
    last_campaign_id = CASE WHEN d.keep = 1 THEN CASE
        WHEN d.last_sent_at IS NULL THEN cur.last_campaign_id
        WHEN cur.last_sent_at IS NULL OR d.last_sent_at > cur.last_sent_at THEN d.last_campaign_id
        WHEN d.last_sent_at = cur.last_sent_at THEN GREATEST(d.last_campaign_id, cur.last_campaign_id)
        ELSE cur.last_campaign_id END ELSE d.last_campaign_id END,
    updated = NOW()
WHEN NOT MATCHED THEN INSERT (mailbox_id, billing_id, company_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints, opened_human, clicked_human, replied_human, replied_auto, replied_positive, last_sent_at, last_campaign_id, warmup_status, current_volume)
VALUES (d.mailbox_id, d.billing_id, d.company_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints, d.opened_human, d.clicked_human, d.replied_human, d.replied_auto, d.replied_positive, d.last_sent_at, d.last_campaign_id, d.warmup_status, d.current_volume);

-- Warmup traffic: one row per mailbox per day.
DROP TABLE IF EXISTS delta_warmup_analytics;
CREATE TEMP TABLE delta_warmup_analytics AS
SELECT (SELECT keep FROM apply_mode) AS keep, m.id AS mailbox_id, g.utc_day AS snapshot_date, co.id AS company_id, g.billing_id,
       g.sent, g.delivered, g.opened_tracked, g.clicked_tracked, g.replied, g.bounced, g.unsubscribed, g.spam_complaints
FROM (
    SELECT mailbox_key, utc_day, company_key, billing_id,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened_tracked, SUM(clicked) AS clicked_tracked, SUM(replied) AS replied, SUM(bounced) AS bounced, SUM(unsubscribed) AS unsubscribed, SUM(complained) AS spam_complaints
    FROM agg WHERE is_warmup AND in_period = 1
    GROUP BY mailbox_key, utc_day, company_key, billing_id
) g
JOIN mailboxes m ON m.mailbox_key = g.mailbox_key
JOIN companies co ON co.company_key = g.company_key;

MERGE INTO warmup_analytics cur
USING delta_warmup_analytics d
ON cur.mailbox_id = d.mailbox_id AND cur.snapshot_date = d.snapshot_date
WHEN MATCHED AND (
     d.keep = 1
     OR (cur.billing_id, cur.sent, cur.delivered, cur.opened_tracked, cur.clicked_tracked, cur.replied, cur.bounced, cur.unsubscribed, cur.spam_complaints)
        IS DISTINCT FROM (d.billing_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints)) THEN UPDATE SET
    billing_id = CASE WHEN d.keep = 1 THEN cur.billing_id ELSE d.billing_id END,
    sent = cur.sent * d.keep + d.sent,
    delivered = cur.delivered * d.keep + d.delivered,
    opened_tracked = cur.opened_tracked * d.keep + d.opened_tracked,
    clicked_tracked = cur.clicked_tracked * d.keep + d.clicked_tracked,
    replied = cur.replied * d.keep + d.replied,
    bounced = cur.bounced * d.keep + d.bounced,
    unsubscribed = cur.unsubscribed * d.keep + d.unsubscribed,
    spam_complaints = cur.spam_complaints * d.keep + d.spam_complaints,
    updated = NOW()
WHEN NOT MATCHED THEN INSERT (mailbox_id, snapshot_date, company_id, billing_id, sent, delivered, opened_tracked, clicked_tracked, replied, bounced, unsubscribed, spam_complaints)
VALUES (d.mailbox_id, d.snapshot_date, d.company_id, d.billing_id, d.sent, d.delivered, d.opened_tracked, d.clicked_tracked, d.replied, d.bounced, d.unsubscribed, d.spam_complaints);

-- Best send times: campaign traffic by the tenant's local weekday and hour, per billing period.
DROP TABLE IF EXISTS delta_send_time_stats;
CREATE TEMP TABLE delta_send_time_stats AS
SELECT (SELECT keep FROM apply_mode) AS keep, c.id AS campaign_id, g.billing_id, g.weekday, g.hour, co.id AS company_id, t.id AS tenant_id,
       g.sent, g.delivered, g.replied_human, g.replied_positive
FROM (
    SELECT campaign_key, billing_id, weekday, hour, company_key, tenant_key,
           SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(replied_human) AS replied_human, SUM(replied_positive) AS replied_positive
    FROM agg WHERE NOT is_warmup AND in_period = 1
    GROUP BY campaign_key, billing_id, weekday, hour, company_key, tenant_key
) g
JOIN campaigns c ON c.campaign_key = g.campaign_key
JOIN companies co ON co.company_key = g.company_key
JOIN tenants t ON t.tenant_key = g.tenant_key;

MERGE INTO send_time_stats cur
USING delta_send_time_stats d
ON cur.campaign_id = d.campaign_id AND cur.billing_id = d.billing_id AND cur.weekday = d.weekday AND cur.hour = d.hour
WHEN MATCHED AND (
     d.keep = 1
     OR (cur.sent, cur.delivered, cur.replied_human, cur.replied_positive)
        IS DISTINCT FROM (d.sent, d.delivered, d.replied_human, d.replied_positive)) THEN UPDATE SET
    sent = cur.sent * d.keep + d.sent,
    delivered = cur.delivered * d.keep + d.delivered,
    replied_human = cur.replied_human * d.keep + d.replied_human,
    replied_positive = cur.replied_positive * d.keep + d.replied_positive,
    updated = NOW()
WHEN NOT MATCHED THEN INSERT (campaign_id, billing_id, weekday, hour, company_id, tenant_id, sent, delivered, replied_human, replied_positive)
VALUES (d.campaign_id, d.billing_id, d.weekday, d.hour, d.company_id, d.tenant_id, d.sent, d.delivered, d.replied_human, d.replied_positive);
