-- Recompute, step 1: widen the requested scope (recompute_params: tenant, days) to whole billing
-- periods and present all of its raw emails as deltas from zero in fold_changes, so that apply.sql
-- rebuilds the rows exactly as the fold builds them, setting each row of the scope to what its
-- emails give (apply_mode.keep = 0); recompute_prune.sql then deletes the scope's rows that no
-- email gave. Daily rollups are kept on the tenant's local days: the local days the periods touch
-- are rebuilt whole, from every email sent on them (in_period says which are the periods' own).
DROP TABLE IF EXISTS apply_mode;
CREATE TEMP TABLE apply_mode AS SELECT 0 AS keep;

DROP TABLE IF EXISTS recompute_periods;
CREATE TEMP TABLE recompute_periods AS
SELECT t.tenant_key, t.id AS tenant_id, t.time_zone,
       penguin_utc_ts(penguin_period_start(p.from_day, t.billing_cycle_day)) AS from_ts,
       penguin_utc_ts(penguin_period_start(p.to_day - 1, t.billing_cycle_day)) + INTERVAL '1 month' AS to_ts
FROM tenants t
CROSS JOIN recompute_params p
WHERE p.tenant_id IS NULL OR t.id = p.tenant_id;

DROP TABLE IF EXISTS recompute_scope;
CREATE TEMP TABLE recompute_scope AS
SELECT r.tenant_key, r.tenant_id, r.from_ts, r.to_ts, r.from_day, r.to_day,
       penguin_local_ts(r.from_day, r.time_zone) AS local_from_ts, penguin_local_ts(r.to_day, r.time_zone) AS local_to_ts
FROM (
    SELECT p.*, penguin_local_day(p.from_ts, p.time_zone) AS from_day,
           penguin_local_day(p.to_ts - INTERVAL '1 microsecond', p.time_zone) + 1 AS to_day
    FROM recompute_periods p
) r;

-- Sizes for the planner: unanalysed, PostgreSQL sorted the scope's emails to merge-join them.
ANALYZE recompute_scope;

-- The scope's billing periods as they are: kept (their ids too) when the recompute gives them rows.
DROP TABLE IF EXISTS recompute_billing;
CREATE TEMP TABLE recompute_billing AS
SELECT b.id
FROM billing_analytics b
JOIN recompute_scope s ON s.tenant_id = b.tenant_id AND b.period_start >= s.from_ts AND b.period_start < s.to_ts;

DROP VIEW IF EXISTS fold_changes;
CREATE TEMP VIEW fold_changes AS
SELECT e.email_id, e.tenant_key, e.company_key, e.campaign_key, e.step_key, e.mailbox_key, e.lead_key,
       e.is_warmup, e.sent_at,
       CASE WHEN e.sent_at >= s.from_ts AND e.sent_at < s.to_ts THEN 1 ELSE 0 END AS in_period,
       1 AS sent,
       CASE WHEN e.delivered_at IS NOT NULL THEN 1 ELSE 0 END AS delivered,
       CASE WHEN e.opened_at IS NOT NULL THEN 1 ELSE 0 END AS opened,
       CASE WHEN e.clicked_at IS NOT NULL THEN 1 ELSE 0 END AS clicked,
       CASE WHEN e.replied_at IS NOT NULL THEN 1 ELSE 0 END AS replied,
       CASE WHEN e.bounced_at IS NOT NULL THEN 1 ELSE 0 END AS bounced,
       CASE WHEN e.unsubscribed_at IS NOT NULL THEN 1 ELSE 0 END AS unsubscribed,
       CASE WHEN e.complained_at IS NOT NULL THEN 1 ELSE 0 END AS complained,
       CASE WHEN e.opened_human_at IS NOT NULL THEN 1 ELSE 0 END AS opened_human,
       CASE WHEN e.clicked_human_at IS NOT NULL THEN 1 ELSE 0 END AS clicked_human,
       CASE WHEN e.replied_human_at IS NOT NULL THEN 1 ELSE 0 END AS replied_human,
       CASE WHEN e.replied_at IS NOT NULL AND e.replied_human_at IS NULL THEN 1 ELSE 0 END AS replied_auto,
       CASE WHEN e.replied_human_at IS NOT NULL AND e.reply_category IN ('interested', 'meeting_booked') THEN 1 ELSE 0 END AS replied_positive
FROM emails e
JOIN recompute_scope s ON s.tenant_key = e.tenant_key AND e.sent_at >= s.local_from_ts AND e.sent_at < s.local_to_ts;

DROP TABLE IF EXISTS fold_snapshots;
CREATE TEMP TABLE fold_snapshots AS
SELECT h.event_id, s.tenant_key, h.company_id, h.mailbox_id, h.occurred_at,
       h.health_score, h.progress_percentage, h.warmup_status
FROM mailbox_health_snapshots h
JOIN companies c ON c.id = h.company_id
JOIN recompute_scope s ON s.tenant_id = c.tenant_id AND h.occurred_at >= s.from_ts AND h.occurred_at < s.to_ts;

DROP TABLE IF EXISTS fold_entities;
CREATE TEMP TABLE fold_entities AS
SELECT seq, entity_type, entity_id FROM entity_changes WHERE 1 = 0;
