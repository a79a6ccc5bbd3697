-- Metrics users can trust (DESIGN.md, "Metrics users can trust"): human opens and clicks beside
-- every open and click, human and automatic replies, reply categories, distinct leads.
--
-- The inbox learns a new event (9, email.reply_categorized) and what the events say about who
-- acted: machine (an open or click by a machine, as the sender or the user-agent rules classified
-- it; NULL leaves it to the fold's timing rule), reply_kind (human, auto, out_of_office), category.
CREATE OR REPLACE FUNCTION penguin_kind(event_type TEXT) RETURNS SMALLINT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CAST(CASE event_type WHEN 'email.sent' THEN 0 WHEN 'email.delivered' THEN 1 WHEN 'email.opened' THEN 2
                WHEN 'email.clicked' THEN 3 WHEN 'email.replied' THEN 4 WHEN 'email.bounced' THEN 5
                WHEN 'email.unsubscribed' THEN 6 WHEN 'email.spam_complaint' THEN 7 WHEN 'mailbox.health' THEN 8
                WHEN 'email.reply_categorized' THEN 9 END AS SMALLINT)
$$;
CREATE OR REPLACE FUNCTION penguin_event_type(kind SMALLINT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE kind WHEN 0 THEN 'email.sent' WHEN 1 THEN 'email.delivered' WHEN 2 THEN 'email.opened'
                WHEN 3 THEN 'email.clicked' WHEN 4 THEN 'email.replied' WHEN 5 THEN 'email.bounced'
                WHEN 6 THEN 'email.unsubscribed' WHEN 7 THEN 'email.spam_complaint' WHEN 8 THEN 'mailbox.health'
                WHEN 9 THEN 'email.reply_categorized' ELSE 'unknown' END
$$;
ALTER TABLE pending_events DROP CONSTRAINT pending_events_kind_check;
ALTER TABLE pending_events ADD CONSTRAINT pending_events_kind_check CHECK (kind BETWEEN 0 AND 9);
ALTER TABLE pending_events ADD COLUMN machine BOOLEAN, ADD COLUMN reply_kind TEXT, ADD COLUMN category TEXT;
ALTER TABLE dead_letter_events ADD COLUMN machine BOOLEAN, ADD COLUMN reply_kind TEXT, ADD COLUMN category TEXT;

-- The raw store: each email's first human open, click and reply, and its latest reply category
-- (with the moment and event id that decide which categorization is the latest).
ALTER TABLE emails
    ADD COLUMN opened_human_at TIMESTAMPTZ,
    ADD COLUMN clicked_human_at TIMESTAMPTZ,
    ADD COLUMN replied_human_at TIMESTAMPTZ,
    ADD COLUMN reply_category TEXT CHECK (reply_category IN ('interested', 'meeting_booked', 'not_interested', 'other')),
    ADD COLUMN reply_category_at TIMESTAMPTZ,
    ADD COLUMN reply_category_event TEXT;

-- Emails stored before this version knew no machines and no reply kinds: the timing rule
-- (Aggregation/Sql/Common/fold_collect.sql) decides their first open and click, and every reply
-- was a person's. The queued recompute below rebuilds the counters from these.
UPDATE emails SET
    opened_human_at = CASE WHEN opened_at >= sent_at + INTERVAL '60 seconds' THEN opened_at END,
    clicked_human_at = CASE WHEN clicked_at >= sent_at + INTERVAL '60 seconds' THEN clicked_at END,
    replied_human_at = replied_at
WHERE opened_at IS NOT NULL OR clicked_at IS NOT NULL OR replied_at IS NOT NULL;

-- The counters, on every table that counts campaign emails; distinct leads per campaign and step.
DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['campaign_analytics', 'sequence_step_analytics', 'mailbox_analytics', 'lead_analytics',
                             'daily_campaign_stats', 'daily_step_stats', 'daily_mailbox_stats', 'daily_tenant_stats'] LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN opened_human INTEGER DEFAULT 0, ADD COLUMN clicked_human INTEGER DEFAULT 0, '
                       || 'ADD COLUMN replied_human INTEGER DEFAULT 0, ADD COLUMN replied_auto INTEGER DEFAULT 0, '
                       || 'ADD COLUMN replied_positive INTEGER DEFAULT 0', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['campaign_analytics', 'sequence_step_analytics'] LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN leads_contacted INTEGER DEFAULT 0, ADD COLUMN leads_replied INTEGER DEFAULT 0, '
                       || 'ADD COLUMN leads_positive INTEGER DEFAULT 0', t);
    END LOOP;
    -- Archive tables keep their source's columns in order with `archived` last
    -- (Maintenance/Sql/Common/archive.sql copies with SELECT *, NOW()): the new columns go in
    -- and `archived` moves behind them, its values kept. A shard's export views over the archives
    -- go with it; `migrate` builds them again (Cluster/Sql/Postgres/shard_export.sql).
    FOREACH t IN ARRAY ARRAY['emails', 'campaign_analytics', 'sequence_step_analytics', 'mailbox_analytics', 'lead_analytics',
                             'daily_campaign_stats', 'daily_step_stats', 'daily_mailbox_stats', 'daily_tenant_stats'] LOOP
        EXECUTE format('ALTER TABLE %I RENAME COLUMN archived TO archived_before_008', t || '_archive');
        EXECUTE (
            SELECT 'ALTER TABLE ' || quote_ident(t || '_archive') || ' '
                   || string_agg(format('ADD COLUMN %I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
            FROM pg_attribute a
            WHERE a.attrelid = t::regclass AND a.attnum > 0 AND NOT a.attisdropped
              AND NOT EXISTS (SELECT 1 FROM pg_attribute x WHERE x.attrelid = (t || '_archive')::regclass AND x.attname = a.attname AND NOT x.attisdropped));
        EXECUTE format('ALTER TABLE %I ADD COLUMN archived TIMESTAMPTZ NOT NULL DEFAULT NOW()', t || '_archive');
        EXECUTE format('UPDATE %I SET archived = archived_before_008', t || '_archive');
        EXECUTE format('ALTER TABLE %I DROP COLUMN archived_before_008 CASCADE', t || '_archive');
    END LOOP;
END
$$;

-- Rebuild every tenant's counters from the raw store (once there is something to rebuild).
INSERT INTO analytics_jobs (job_type, payload)
SELECT 'recompute', '{}' WHERE EXISTS (SELECT 1 FROM emails);
