-- Incremental fold, step 1: take the pending events up to fold_params.max_seq (those no fold
-- has left waiting yet, and of those waiting for their email.sent the ones whose email id a send
-- among the first names: nothing else can make them foldable), and work out what they do: the
-- new emails, each touched email's first events, and in fold_changes each touched email with its
-- first-occurrence transitions as 0/1 deltas. It only reads and builds work tables (temp tables),
-- so DuckDB runs it before the fold's transaction (Aggregator); fold_store.sql writes what it
-- found to the raw store, and apply.sql adds the deltas to the analytics rows.
-- While the fold isolates a record that the engine refuses (fold_params.probe), it folds only
-- the pending events listed in fold_probe, and rolls back.
DROP TABLE IF EXISTS apply_mode;
CREATE TEMP TABLE apply_mode AS SELECT 1 AS keep;

DROP TABLE IF EXISTS fold_batch;
CREATE TEMP TABLE fold_batch AS
SELECT p.*
FROM pending_events p
WHERE p.seq <= (SELECT max_seq FROM fold_params) AND p.waiting IS NOT TRUE
  AND (NOT (SELECT probe FROM fold_params) OR p.seq IN (SELECT seq FROM fold_probe));

-- Events a fold left waiting come back only with a send for their email id among the above.
INSERT INTO fold_batch
SELECT p.*
FROM pending_events p
WHERE p.waiting AND p.seq <= (SELECT max_seq FROM fold_params)
  AND (NOT (SELECT probe FROM fold_params) OR p.seq IN (SELECT seq FROM fold_probe))
  AND p.email_id IN (SELECT b.email_id FROM fold_batch b WHERE b.kind = penguin_kind('email.sent'));

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
-- them that does not say whose email it is (fold_store.sql keeps them).
-- (Grouped, so that both engines hash-join: an EXISTS with tenant_key <> ... is a nested loop;
-- MIN <> MAX rather than COUNT(DISTINCT), which PostgreSQL sorts for.)
DROP TABLE IF EXISTS fold_shared;
CREATE TEMP TABLE fold_shared AS
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
SELECT b.seq, b.kind, b.event_id, b.email_id, b.occurred_at, b.bounce_type, b.machine, b.reply_kind, b.category, b.received
FROM fold_batch b
WHERE b.email_id IN (SELECT s.email_id FROM shared_email_ids s UNION ALL SELECT f.email_id FROM fold_shared f)
  AND b.tenant_key IS NULL AND b.kind NOT IN (penguin_kind('email.sent'), penguin_kind('mailbox.health'));

DELETE FROM fold_batch WHERE seq IN (SELECT seq FROM fold_ambiguous);

-- Each email's earliest event of each kind in this batch, for emails that exist or are new
-- (is_new), keyed by (tenant, email id). bounce_type: hard wins over soft ('hard' < 'soft').
-- Human opens and clicks: those not by a machine. An event says so (machine: the sender's flag,
-- or a known machine's user agent, Ingestion/MachineUserAgents.cs); otherwise the timing rule
-- decides: an open or click less than 60 seconds after the email was sent is a machine's (a
-- person does not read that fast; image prefetchers and link scanners do). A reply without a
-- kind is a person's (pending events stored before kinds existed have none).
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
       MIN(CASE WHEN b.kind = penguin_kind('email.spam_complaint') THEN b.occurred_at END) AS complained_at,
       MIN(CASE WHEN b.kind = penguin_kind('email.opened') AND NOT b.machine THEN b.occurred_at END) AS opened_human_at,
       MIN(CASE WHEN b.kind = penguin_kind('email.clicked') AND NOT b.machine THEN b.occurred_at END) AS clicked_human_at,
       MIN(CASE WHEN b.kind = penguin_kind('email.replied') AND COALESCE(b.reply_kind, 'human') = 'human' THEN b.occurred_at END) AS replied_human_at,
       MAX(CASE WHEN b.kind = penguin_kind('email.reply_categorized') THEN 1 ELSE 0 END) AS categorized
FROM (
    -- Two plain joins rather than an OR, so that PostgreSQL plans semi-joins, not sub-plans.
    SELECT n.tenant_key, b.email_id, b.kind, b.occurred_at, b.bounce_type, 1 AS is_new,
           COALESCE(b.machine, b.occurred_at < n.sent_at + INTERVAL '60 seconds') AS machine, b.reply_kind
    FROM fold_batch b JOIN fold_new n ON n.email_id = b.email_id AND (b.tenant_key IS NULL OR b.tenant_key = n.tenant_key)
    WHERE b.kind NOT IN (penguin_kind('email.sent'), penguin_kind('mailbox.health'))
    UNION ALL
    SELECT e.tenant_key, b.email_id, b.kind, b.occurred_at, b.bounce_type, 0,
           COALESCE(b.machine, b.occurred_at < e.sent_at + INTERVAL '60 seconds'), b.reply_kind
    FROM fold_batch b
    JOIN emails e ON e.email_id = b.email_id AND (b.tenant_key IS NULL OR b.tenant_key = e.tenant_key)
    WHERE b.kind NOT IN (penguin_kind('email.sent'), penguin_kind('mailbox.health'))
) b
GROUP BY b.tenant_key, b.email_id;

ANALYZE fold_events;

-- Each categorized email's latest categorization in this batch: by occurred_at, then the larger
-- event id (categorizations are few: they are looked up again rather than carried above).
DROP TABLE IF EXISTS fold_categories;
CREATE TEMP TABLE fold_categories AS
SELECT x.tenant_key, x.email_id, x.category, x.occurred_at AS category_at, x.event_id AS category_event
FROM (
    SELECT ev.tenant_key, b.email_id, b.category, b.occurred_at, b.event_id,
           ROW_NUMBER() OVER (PARTITION BY ev.tenant_key, b.email_id ORDER BY b.occurred_at DESC, b.event_id DESC) AS rn
    FROM fold_batch b
    JOIN fold_events ev ON ev.email_id = b.email_id AND (b.tenant_key IS NULL OR b.tenant_key = ev.tenant_key) AND ev.categorized = 1
    WHERE b.kind = penguin_kind('email.reply_categorized')
) x
WHERE x.rn = 1;

-- Each touched known email's state after this batch where it is not simply the earliest of old
-- and new: its reply category (the batch's latest replaces the stored one if it is later).
DROP TABLE IF EXISTS fold_known;
CREATE TEMP TABLE fold_known AS
SELECT e.email_id, e.tenant_key,
       CASE WHEN c.category_at IS NOT NULL
                 AND (e.reply_category_at IS NULL OR c.category_at > e.reply_category_at
                      OR (c.category_at = e.reply_category_at AND c.category_event > e.reply_category_event))
            THEN 1 ELSE 0 END AS category_wins,
       c.category, c.category_at, c.category_event
FROM emails e
JOIN fold_categories c ON c.email_id = e.email_id AND c.tenant_key = e.tenant_key;

-- Each new email as it goes into the raw store: its send with the batch's first events and
-- latest category. Joined once (on text ids, the costly part) for its transitions and its insert.
DROP TABLE IF EXISTS fold_new_emails;
CREATE TEMP TABLE fold_new_emails AS
SELECT n.email_id, n.tenant_key, n.company_key, n.campaign_key, n.step_key, n.mailbox_key, n.lead_key, n.is_warmup, n.sent_at,
       ev.delivered_at, ev.opened_at, ev.clicked_at, ev.replied_at, ev.bounced_at, ev.bounce_type, ev.unsubscribed_at, ev.complained_at,
       ev.opened_human_at, ev.clicked_human_at, ev.replied_human_at,
       c.category AS reply_category, c.category_at AS reply_category_at, c.category_event AS reply_category_event
FROM fold_new n
LEFT JOIN fold_events ev ON ev.email_id = n.email_id AND ev.tenant_key = n.tenant_key
LEFT JOIN fold_categories c ON c.email_id = n.email_id AND c.tenant_key = n.tenant_key;

-- Transitions: a counter moves when an email's state changes: most on its first event of a kind;
-- replied_auto and replied_positive also go back (a human reply after an automatic one makes
-- the email a human reply; a later categorization can take positive away). New emails count as
-- sent, with whatever events came along; known emails by what changes for them.
-- replied_positive: a human reply whose latest category is interested or meeting_booked.
DROP TABLE IF EXISTS fold_changes;
CREATE TEMP TABLE fold_changes AS
SELECT n.email_id, n.tenant_key, n.company_key, n.campaign_key, n.step_key, n.mailbox_key, n.lead_key,
       n.is_warmup, n.sent_at, 1 AS in_period,
       1 AS sent,
       CASE WHEN n.delivered_at IS NOT NULL THEN 1 ELSE 0 END AS delivered,
       CASE WHEN n.opened_at IS NOT NULL THEN 1 ELSE 0 END AS opened,
       CASE WHEN n.clicked_at IS NOT NULL THEN 1 ELSE 0 END AS clicked,
       CASE WHEN n.replied_at IS NOT NULL THEN 1 ELSE 0 END AS replied,
       CASE WHEN n.bounced_at IS NOT NULL THEN 1 ELSE 0 END AS bounced,
       CASE WHEN n.unsubscribed_at IS NOT NULL THEN 1 ELSE 0 END AS unsubscribed,
       CASE WHEN n.complained_at IS NOT NULL THEN 1 ELSE 0 END AS complained,
       CASE WHEN n.opened_human_at IS NOT NULL THEN 1 ELSE 0 END AS opened_human,
       CASE WHEN n.clicked_human_at IS NOT NULL THEN 1 ELSE 0 END AS clicked_human,
       CASE WHEN n.replied_human_at IS NOT NULL THEN 1 ELSE 0 END AS replied_human,
       CASE WHEN n.replied_at IS NOT NULL AND n.replied_human_at IS NULL THEN 1 ELSE 0 END AS replied_auto,
       CASE WHEN n.replied_human_at IS NOT NULL AND n.reply_category IN ('interested', 'meeting_booked') THEN 1 ELSE 0 END AS replied_positive
FROM fold_new_emails n
UNION ALL
SELECT e.email_id, e.tenant_key, e.company_key, e.campaign_key, e.step_key, e.mailbox_key, e.lead_key,
       e.is_warmup, e.sent_at, 1,
       0,
       CASE WHEN e.delivered_at IS NULL AND ev.delivered_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.opened_at IS NULL AND ev.opened_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.clicked_at IS NULL AND ev.clicked_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.replied_at IS NULL AND ev.replied_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.bounced_at IS NULL AND ev.bounced_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.unsubscribed_at IS NULL AND ev.unsubscribed_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.complained_at IS NULL AND ev.complained_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.opened_human_at IS NULL AND ev.opened_human_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.clicked_human_at IS NULL AND ev.clicked_human_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN e.replied_human_at IS NULL AND ev.replied_human_at IS NOT NULL THEN 1 ELSE 0 END,
       CASE WHEN COALESCE(e.replied_at, ev.replied_at) IS NOT NULL AND COALESCE(e.replied_human_at, ev.replied_human_at) IS NULL THEN 1 ELSE 0 END
         - CASE WHEN e.replied_at IS NOT NULL AND e.replied_human_at IS NULL THEN 1 ELSE 0 END,
       CASE WHEN COALESCE(e.replied_human_at, ev.replied_human_at) IS NOT NULL
                 AND (CASE WHEN k.category_wins = 1 THEN k.category ELSE e.reply_category END) IN ('interested', 'meeting_booked')
            THEN 1 ELSE 0 END
         - CASE WHEN e.replied_human_at IS NOT NULL AND e.reply_category IN ('interested', 'meeting_booked') THEN 1 ELSE 0 END
FROM emails e
JOIN fold_events ev ON ev.email_id = e.email_id AND ev.tenant_key = e.tenant_key AND ev.is_new = 0
LEFT JOIN fold_known k ON k.email_id = e.email_id AND k.tenant_key = e.tenant_key;

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

-- Entities upserted since the last fold: their attributes are copied into analytics rows.
DROP TABLE IF EXISTS fold_entities;
CREATE TEMP TABLE fold_entities AS
SELECT seq, entity_type, entity_id FROM entity_changes;

-- The events this fold applies: every send and health snapshot it read, and every engagement
-- event whose email is new or stored. fold_finish.sql deletes them from the queue.
DROP TABLE IF EXISTS fold_applied;
CREATE TEMP TABLE fold_applied AS
SELECT b.seq FROM fold_batch b
WHERE b.kind IN (penguin_kind('email.sent'), penguin_kind('mailbox.health'))
UNION ALL
SELECT b.seq FROM fold_batch b
JOIN fold_events ev ON ev.email_id = b.email_id AND (b.tenant_key IS NULL OR b.tenant_key = ev.tenant_key)
WHERE b.kind NOT IN (penguin_kind('email.sent'), penguin_kind('mailbox.health'));

ANALYZE fold_applied;
