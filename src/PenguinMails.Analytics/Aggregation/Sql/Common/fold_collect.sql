-- Incremental fold, step 1: take the pending events up to fold_params.max_seq (new ones and
-- those still waiting for their email.sent), apply them to the raw store, and leave in
-- fold_changes each touched email with its first-occurrence transitions as 0/1 deltas.
-- While the fold isolates a record that the engine refuses (fold_params.probe), it folds only
-- the pending events listed in fold_probe, and rolls back.
DROP TABLE IF EXISTS fold_batch;
CREATE TEMP TABLE fold_batch AS
SELECT p.*
FROM pending_events p
WHERE p.seq <= (SELECT max_seq FROM fold_params)
  AND (NOT (SELECT probe FROM fold_params) OR p.seq IN (SELECT seq FROM fold_probe));

ANALYZE fold_batch;

-- New emails: the first email.sent of a (tenant, email id) not yet in the raw store. An email's
-- identity is (tenant, email_id): two tenants may use the same id (DESIGN.md, "Data contract").
DROP TABLE IF EXISTS fold_new;
CREATE TEMP TABLE fold_new AS
SELECT x.email_id, x.tenant_key, x.company_key, x.campaign_key, x.step_key, x.mailbox_key, x.lead_key,
       x.is_warmup, x.occurred_at AS sent_at
FROM (
    SELECT b.*, ROW_NUMBER() OVER (PARTITION BY b.tenant_key, b.email_id ORDER BY b.seq) AS rn
    FROM fold_batch b
    WHERE b.kind = penguin_kind('email.sent')
) x
WHERE x.rn = 1 AND NOT EXISTS (SELECT 1 FROM emails e WHERE e.email_id = x.email_id AND e.tenant_key = x.tenant_key);

ANALYZE fold_new;

-- Ids that a second tenant starts to use: from now on ingest refuses an engagement event for
-- them that does not say whose email it is.
-- (Grouped, so that both engines hash-join: an EXISTS with tenant_key <> ... is a nested loop;
-- MIN <> MAX rather than COUNT(DISTINCT), which PostgreSQL sorts for.)
INSERT INTO shared_email_ids (email_id)
SELECT x.email_id
FROM (
    SELECT n.email_id, n.tenant_key FROM fold_new n
    UNION ALL
    SELECT e.email_id, e.tenant_key FROM emails e JOIN fold_new n ON n.email_id = e.email_id
) x
WHERE NOT EXISTS (SELECT 1 FROM shared_email_ids s WHERE s.email_id = x.email_id)
GROUP BY x.email_id
HAVING MIN(x.tenant_key) <> MAX(x.tenant_key);

-- An engagement event names its tenant (tenant_id, or a tenant's own key) or belongs to the one
-- tenant that has an email with its id: an id not in shared_email_ids has at most one. With no
-- such email yet it waits; for a shared id it is ambiguous: it leaves the batch here, and
-- fold_finish dead-letters it.
DROP TABLE IF EXISTS fold_ambiguous;
CREATE TEMP TABLE fold_ambiguous AS
SELECT b.seq, b.kind, b.event_id, b.email_id, b.occurred_at, b.bounce_type, b.received
FROM fold_batch b
JOIN shared_email_ids s ON s.email_id = b.email_id
WHERE b.tenant_key IS NULL AND b.kind BETWEEN penguin_kind('email.delivered') AND penguin_kind('email.spam_complaint');

DELETE FROM fold_batch WHERE seq IN (SELECT seq FROM fold_ambiguous);

-- Each email's earliest event of each kind in this batch, for emails that exist or are new
-- (is_new), keyed by (tenant, email id). bounce_type: hard wins over soft ('hard' < 'soft').
DROP TABLE IF EXISTS fold_events;
CREATE TEMP TABLE fold_events AS
SELECT b.tenant_key, b.email_id,
       MAX(b.is_new) AS is_new,
       MIN(CASE WHEN b.kind = penguin_kind('email.delivered') THEN b.occurred_at END) AS delivered_at,
       MIN(CASE WHEN b.kind = penguin_kind('email.opened') THEN b.occurred_at END) AS opened_at,
       MIN(CASE WHEN b.kind = penguin_kind('email.clicked') THEN b.occurred_at END) AS clicked_at,
       MIN(CASE WHEN b.kind = penguin_kind('email.replied') THEN b.occurred_at END) AS replied_at,
       MIN(CASE WHEN b.kind = penguin_kind('email.bounced') THEN b.occurred_at END) AS bounced_at,
       MIN(CASE WHEN b.kind = penguin_kind('email.bounced') THEN b.bounce_type END) AS bounce_type,
       MIN(CASE WHEN b.kind = penguin_kind('email.unsubscribed') THEN b.occurred_at END) AS unsubscribed_at,
       MIN(CASE WHEN b.kind = penguin_kind('email.spam_complaint') THEN b.occurred_at END) AS complained_at
FROM (
    -- Two plain joins rather than an OR, so that PostgreSQL plans semi-joins, not sub-plans.
    SELECT n.tenant_key, b.email_id, b.kind, b.occurred_at, b.bounce_type, 1 AS is_new
    FROM fold_batch b JOIN fold_new n ON n.email_id = b.email_id AND (b.tenant_key IS NULL OR b.tenant_key = n.tenant_key)
    WHERE b.kind BETWEEN penguin_kind('email.delivered') AND penguin_kind('email.spam_complaint')
    UNION ALL
    SELECT e.tenant_key, b.email_id, b.kind, b.occurred_at, b.bounce_type, 0
    FROM fold_batch b
    JOIN emails e ON e.email_id = b.email_id AND (b.tenant_key IS NULL OR b.tenant_key = e.tenant_key)
    WHERE b.kind BETWEEN penguin_kind('email.delivered') AND penguin_kind('email.spam_complaint')
) b
GROUP BY b.tenant_key, b.email_id;

ANALYZE fold_events;

-- Transitions: a counter moves only when an email gets its first event of that kind. New
-- emails count as sent, with whatever events came along; known emails by what is new to them.
DROP TABLE IF EXISTS fold_changes;
CREATE TEMP TABLE fold_changes AS
SELECT n.email_id, n.tenant_key, n.company_key, n.campaign_key, n.step_key, n.mailbox_key, n.lead_key,
       n.is_warmup, n.sent_at,
       1 AS sent,
       CASE WHEN ev.delivered_at IS NOT NULL THEN 1 ELSE 0 END AS delivered,
       CASE WHEN ev.opened_at IS NOT NULL THEN 1 ELSE 0 END AS opened,
       CASE WHEN ev.clicked_at IS NOT NULL THEN 1 ELSE 0 END AS clicked,
       CASE WHEN ev.replied_at IS NOT NULL THEN 1 ELSE 0 END AS replied,
       CASE WHEN ev.bounced_at IS NOT NULL THEN 1 ELSE 0 END AS bounced,
       CASE WHEN ev.unsubscribed_at IS NOT NULL THEN 1 ELSE 0 END AS unsubscribed,
       CASE WHEN ev.complained_at IS NOT NULL THEN 1 ELSE 0 END AS complained
FROM fold_new n
LEFT JOIN fold_events ev ON ev.email_id = n.email_id AND ev.tenant_key = n.tenant_key
UNION ALL
SELECT e.email_id, e.tenant_key, e.company_key, e.campaign_key, e.step_key, e.mailbox_key, e.lead_key,
       e.is_warmup, e.sent_at,
       0,
       CASE WHEN e.delivered_at IS NULL AND ev.delivered_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.opened_at IS NULL AND ev.opened_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.clicked_at IS NULL AND ev.clicked_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.replied_at IS NULL AND ev.replied_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.bounced_at IS NULL AND ev.bounced_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.unsubscribed_at IS NULL AND ev.unsubscribed_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.complained_at IS NULL AND ev.complained_at IS NOT NULL THEN 1 ELSE 0 END
FROM emails e
JOIN fold_events ev ON ev.email_id = e.email_id AND ev.tenant_key = e.tenant_key AND ev.is_new = 0;

-- New emails go in with their first events; known ones keep the earliest of old and new.
INSERT INTO emails (email_id, tenant_key, company_key, campaign_key, step_key, mailbox_key, lead_key, is_warmup, sent_at,
                    delivered_at, opened_at, clicked_at, replied_at, bounced_at, bounce_type, unsubscribed_at, complained_at)
SELECT n.email_id, n.tenant_key, n.company_key, n.campaign_key, n.step_key, n.mailbox_key, n.lead_key, n.is_warmup, n.sent_at,
       ev.delivered_at, ev.opened_at, ev.clicked_at, ev.replied_at, ev.bounced_at, ev.bounce_type, ev.unsubscribed_at, ev.complained_at
FROM fold_new n
LEFT JOIN fold_events ev ON ev.email_id = n.email_id AND ev.tenant_key = n.tenant_key;

UPDATE emails SET
    delivered_at = LEAST(emails.delivered_at, ev.delivered_at),
    opened_at = LEAST(emails.opened_at, ev.opened_at),
    clicked_at = LEAST(emails.clicked_at, ev.clicked_at),
    replied_at = LEAST(emails.replied_at, ev.replied_at),
    bounced_at = LEAST(emails.bounced_at, ev.bounced_at),
    bounce_type = CASE WHEN ev.bounce_type IS NULL THEN emails.bounce_type
                       WHEN emails.bounce_type IS NULL THEN ev.bounce_type
                       ELSE LEAST(emails.bounce_type, ev.bounce_type) END,
    unsubscribed_at = LEAST(emails.unsubscribed_at, ev.unsubscribed_at),
    complained_at = LEAST(emails.complained_at, ev.complained_at)
FROM fold_events ev
WHERE emails.email_id = ev.email_id AND emails.tenant_key = ev.tenant_key AND ev.is_new = 0;

-- mailbox.health snapshots, once per event id.
DROP TABLE IF EXISTS fold_snapshots;
CREATE TEMP TABLE fold_snapshots AS
SELECT x.event_id, x.tenant_key, m.company_id, m.id AS mailbox_id, x.occurred_at,
       x.health_score, x.progress_percentage, x.warmup_status
FROM (
    SELECT b.*, ROW_NUMBER() OVER (PARTITION BY b.event_id ORDER BY b.seq) AS rn
    FROM fold_batch b
    WHERE b.kind = penguin_kind('mailbox.health')
) x
JOIN mailboxes m ON m.mailbox_key = x.mailbox_key
WHERE x.rn = 1 AND NOT EXISTS (SELECT 1 FROM mailbox_health_snapshots s WHERE s.event_id = x.event_id);

INSERT INTO mailbox_health_snapshots (event_id, mailbox_id, company_id, occurred_at, health_score, progress_percentage, warmup_status)
SELECT event_id, mailbox_id, company_id, occurred_at, health_score, progress_percentage, warmup_status
FROM fold_snapshots;

-- Entities upserted since the last fold: their attributes are copied into analytics rows.
DROP TABLE IF EXISTS fold_entities;
CREATE TEMP TABLE fold_entities AS
SELECT seq, entity_type, entity_id FROM entity_changes;
