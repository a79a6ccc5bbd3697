-- Metrics users can trust: see Storage/Postgres/Schema/008_trusted_metrics.sql, which says why
-- each of these changes is made. DuckDB has no dynamic SQL and cannot alter a CHECK constraint:
-- the statements are spelled out, and pending_events is built again with kind 9 allowed.
CREATE OR REPLACE MACRO penguin_kind(event_type) AS
    CAST(CASE event_type WHEN 'email.sent' THEN 0 WHEN 'email.delivered' THEN 1 WHEN 'email.opened' THEN 2
                WHEN 'email.clicked' THEN 3 WHEN 'email.replied' THEN 4 WHEN 'email.bounced' THEN 5
                WHEN 'email.unsubscribed' THEN 6 WHEN 'email.spam_complaint' THEN 7 WHEN 'mailbox.health' THEN 8
                WHEN 'email.reply_categorized' THEN 9 END AS SMALLINT);
CREATE OR REPLACE MACRO penguin_event_type(kind) AS
    CASE kind WHEN 0 THEN 'email.sent' WHEN 1 THEN 'email.delivered' WHEN 2 THEN 'email.opened'
                WHEN 3 THEN 'email.clicked' WHEN 4 THEN 'email.replied' WHEN 5 THEN 'email.bounced'
                WHEN 6 THEN 'email.unsubscribed' WHEN 7 THEN 'email.spam_complaint' WHEN 8 THEN 'mailbox.health'
                WHEN 9 THEN 'email.reply_categorized' ELSE 'unknown' END;

CREATE TABLE pending_events_008 (
    seq BIGINT NOT NULL DEFAULT nextval('seq_pending_events'),
    kind SMALLINT NOT NULL CHECK (kind BETWEEN 0 AND 9),
    event_id TEXT NOT NULL,
    email_id TEXT,
    occurred_at TIMESTAMPTZ NOT NULL,
    bounce_type TEXT,
    tenant_key INTEGER,
    company_key INTEGER,
    campaign_key INTEGER,
    step_key INTEGER,
    mailbox_key INTEGER,
    lead_key INTEGER,
    is_warmup BOOLEAN,
    health_score SMALLINT,
    progress_percentage SMALLINT,
    warmup_status TEXT,
    received TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    machine BOOLEAN,
    reply_kind TEXT,
    category TEXT
);
INSERT INTO pending_events_008 SELECT *, NULL, NULL, NULL FROM pending_events;
DROP TABLE pending_events;
ALTER TABLE pending_events_008 RENAME TO pending_events;

ALTER TABLE dead_letter_events ADD COLUMN machine BOOLEAN;
ALTER TABLE dead_letter_events ADD COLUMN reply_kind TEXT;
ALTER TABLE dead_letter_events ADD COLUMN category TEXT;

ALTER TABLE emails ADD COLUMN opened_human_at TIMESTAMPTZ;
ALTER TABLE emails ADD COLUMN clicked_human_at TIMESTAMPTZ;
ALTER TABLE emails ADD COLUMN replied_human_at TIMESTAMPTZ;
ALTER TABLE emails ADD COLUMN reply_category TEXT;
ALTER TABLE emails ADD COLUMN reply_category_at TIMESTAMPTZ;
ALTER TABLE emails ADD COLUMN reply_category_event TEXT;

UPDATE emails SET
    opened_human_at = CASE WHEN opened_at >= sent_at + INTERVAL '60 seconds' THEN opened_at END,
    clicked_human_at = CASE WHEN clicked_at >= sent_at + INTERVAL '60 seconds' THEN clicked_at END,
    replied_human_at = replied_at
WHERE opened_at IS NOT NULL OR clicked_at IS NOT NULL OR replied_at IS NOT NULL;

ALTER TABLE campaign_analytics ADD COLUMN opened_human INTEGER DEFAULT 0;
ALTER TABLE campaign_analytics ADD COLUMN clicked_human INTEGER DEFAULT 0;
ALTER TABLE campaign_analytics ADD COLUMN replied_human INTEGER DEFAULT 0;
ALTER TABLE campaign_analytics ADD COLUMN replied_auto INTEGER DEFAULT 0;
ALTER TABLE campaign_analytics ADD COLUMN replied_positive INTEGER DEFAULT 0;
ALTER TABLE campaign_analytics ADD COLUMN leads_contacted INTEGER DEFAULT 0;
ALTER TABLE campaign_analytics ADD COLUMN leads_replied INTEGER DEFAULT 0;
ALTER TABLE campaign_analytics ADD COLUMN leads_positive INTEGER DEFAULT 0;
ALTER TABLE sequence_step_analytics ADD COLUMN opened_human INTEGER DEFAULT 0;
ALTER TABLE sequence_step_analytics ADD COLUMN clicked_human INTEGER DEFAULT 0;
ALTER TABLE sequence_step_analytics ADD COLUMN replied_human INTEGER DEFAULT 0;
ALTER TABLE sequence_step_analytics ADD COLUMN replied_auto INTEGER DEFAULT 0;
ALTER TABLE sequence_step_analytics ADD COLUMN replied_positive INTEGER DEFAULT 0;
ALTER TABLE sequence_step_analytics ADD COLUMN leads_contacted INTEGER DEFAULT 0;
ALTER TABLE sequence_step_analytics ADD COLUMN leads_replied INTEGER DEFAULT 0;
ALTER TABLE sequence_step_analytics ADD COLUMN leads_positive INTEGER DEFAULT 0;
ALTER TABLE mailbox_analytics ADD COLUMN opened_human INTEGER DEFAULT 0;
ALTER TABLE mailbox_analytics ADD COLUMN clicked_human INTEGER DEFAULT 0;
ALTER TABLE mailbox_analytics ADD COLUMN replied_human INTEGER DEFAULT 0;
ALTER TABLE mailbox_analytics ADD COLUMN replied_auto INTEGER DEFAULT 0;
ALTER TABLE mailbox_analytics ADD COLUMN replied_positive INTEGER DEFAULT 0;
ALTER TABLE lead_analytics ADD COLUMN opened_human INTEGER DEFAULT 0;
ALTER TABLE lead_analytics ADD COLUMN clicked_human INTEGER DEFAULT 0;
ALTER TABLE lead_analytics ADD COLUMN replied_human INTEGER DEFAULT 0;
ALTER TABLE lead_analytics ADD COLUMN replied_auto INTEGER DEFAULT 0;
ALTER TABLE lead_analytics ADD COLUMN replied_positive INTEGER DEFAULT 0;
ALTER TABLE daily_campaign_stats ADD COLUMN opened_human INTEGER DEFAULT 0;
ALTER TABLE daily_campaign_stats ADD COLUMN clicked_human INTEGER DEFAULT 0;
ALTER TABLE daily_campaign_stats ADD COLUMN replied_human INTEGER DEFAULT 0;
ALTER TABLE daily_campaign_stats ADD COLUMN replied_auto INTEGER DEFAULT 0;
ALTER TABLE daily_campaign_stats ADD COLUMN replied_positive INTEGER DEFAULT 0;
ALTER TABLE daily_step_stats ADD COLUMN opened_human INTEGER DEFAULT 0;
ALTER TABLE daily_step_stats ADD COLUMN clicked_human INTEGER DEFAULT 0;
ALTER TABLE daily_step_stats ADD COLUMN replied_human INTEGER DEFAULT 0;
ALTER TABLE daily_step_stats ADD COLUMN replied_auto INTEGER DEFAULT 0;
ALTER TABLE daily_step_stats ADD COLUMN replied_positive INTEGER DEFAULT 0;
ALTER TABLE daily_mailbox_stats ADD COLUMN opened_human INTEGER DEFAULT 0;
ALTER TABLE daily_mailbox_stats ADD COLUMN clicked_human INTEGER DEFAULT 0;
ALTER TABLE daily_mailbox_stats ADD COLUMN replied_human INTEGER DEFAULT 0;
ALTER TABLE daily_mailbox_stats ADD COLUMN replied_auto INTEGER DEFAULT 0;
ALTER TABLE daily_mailbox_stats ADD COLUMN replied_positive INTEGER DEFAULT 0;
ALTER TABLE daily_tenant_stats ADD COLUMN opened_human INTEGER DEFAULT 0;
ALTER TABLE daily_tenant_stats ADD COLUMN clicked_human INTEGER DEFAULT 0;
ALTER TABLE daily_tenant_stats ADD COLUMN replied_human INTEGER DEFAULT 0;
ALTER TABLE daily_tenant_stats ADD COLUMN replied_auto INTEGER DEFAULT 0;
ALTER TABLE daily_tenant_stats ADD COLUMN replied_positive INTEGER DEFAULT 0;

-- Archive tables: the new columns, then `archived` moved behind them with its values.
ALTER TABLE emails_archive RENAME COLUMN archived TO archived_before_008;
ALTER TABLE emails_archive ADD COLUMN opened_human_at TIMESTAMPTZ;
ALTER TABLE emails_archive ADD COLUMN clicked_human_at TIMESTAMPTZ;
ALTER TABLE emails_archive ADD COLUMN replied_human_at TIMESTAMPTZ;
ALTER TABLE emails_archive ADD COLUMN reply_category TEXT;
ALTER TABLE emails_archive ADD COLUMN reply_category_at TIMESTAMPTZ;
ALTER TABLE emails_archive ADD COLUMN reply_category_event TEXT;
ALTER TABLE emails_archive ADD COLUMN archived TIMESTAMPTZ;
UPDATE emails_archive SET archived = archived_before_008;
ALTER TABLE emails_archive DROP COLUMN archived_before_008;
ALTER TABLE campaign_analytics_archive RENAME COLUMN archived TO archived_before_008;
ALTER TABLE campaign_analytics_archive ADD COLUMN opened_human INTEGER;
ALTER TABLE campaign_analytics_archive ADD COLUMN clicked_human INTEGER;
ALTER TABLE campaign_analytics_archive ADD COLUMN replied_human INTEGER;
ALTER TABLE campaign_analytics_archive ADD COLUMN replied_auto INTEGER;
ALTER TABLE campaign_analytics_archive ADD COLUMN replied_positive INTEGER;
ALTER TABLE campaign_analytics_archive ADD COLUMN leads_contacted INTEGER;
ALTER TABLE campaign_analytics_archive ADD COLUMN leads_replied INTEGER;
ALTER TABLE campaign_analytics_archive ADD COLUMN leads_positive INTEGER;
ALTER TABLE campaign_analytics_archive ADD COLUMN archived TIMESTAMPTZ;
UPDATE campaign_analytics_archive SET archived = archived_before_008;
ALTER TABLE campaign_analytics_archive DROP COLUMN archived_before_008;
ALTER TABLE sequence_step_analytics_archive RENAME COLUMN archived TO archived_before_008;
ALTER TABLE sequence_step_analytics_archive ADD COLUMN opened_human INTEGER;
ALTER TABLE sequence_step_analytics_archive ADD COLUMN clicked_human INTEGER;
ALTER TABLE sequence_step_analytics_archive ADD COLUMN replied_human INTEGER;
ALTER TABLE sequence_step_analytics_archive ADD COLUMN replied_auto INTEGER;
ALTER TABLE sequence_step_analytics_archive ADD COLUMN replied_positive INTEGER;
ALTER TABLE sequence_step_analytics_archive ADD COLUMN leads_contacted INTEGER;
ALTER TABLE sequence_step_analytics_archive ADD COLUMN leads_replied INTEGER;
ALTER TABLE sequence_step_analytics_archive ADD COLUMN leads_positive INTEGER;
ALTER TABLE sequence_step_analytics_archive ADD COLUMN archived TIMESTAMPTZ;
UPDATE sequence_step_analytics_archive SET archived = archived_before_008;
ALTER TABLE sequence_step_analytics_archive DROP COLUMN archived_before_008;
ALTER TABLE mailbox_analytics_archive RENAME COLUMN archived TO archived_before_008;
ALTER TABLE mailbox_analytics_archive ADD COLUMN opened_human INTEGER;
ALTER TABLE mailbox_analytics_archive ADD COLUMN clicked_human INTEGER;
ALTER TABLE mailbox_analytics_archive ADD COLUMN replied_human INTEGER;
ALTER TABLE mailbox_analytics_archive ADD COLUMN replied_auto INTEGER;
ALTER TABLE mailbox_analytics_archive ADD COLUMN replied_positive INTEGER;
ALTER TABLE mailbox_analytics_archive ADD COLUMN archived TIMESTAMPTZ;
UPDATE mailbox_analytics_archive SET archived = archived_before_008;
ALTER TABLE mailbox_analytics_archive DROP COLUMN archived_before_008;
ALTER TABLE lead_analytics_archive RENAME COLUMN archived TO archived_before_008;
ALTER TABLE lead_analytics_archive ADD COLUMN opened_human INTEGER;
ALTER TABLE lead_analytics_archive ADD COLUMN clicked_human INTEGER;
ALTER TABLE lead_analytics_archive ADD COLUMN replied_human INTEGER;
ALTER TABLE lead_analytics_archive ADD COLUMN replied_auto INTEGER;
ALTER TABLE lead_analytics_archive ADD COLUMN replied_positive INTEGER;
ALTER TABLE lead_analytics_archive ADD COLUMN archived TIMESTAMPTZ;
UPDATE lead_analytics_archive SET archived = archived_before_008;
ALTER TABLE lead_analytics_archive DROP COLUMN archived_before_008;
ALTER TABLE daily_campaign_stats_archive RENAME COLUMN archived TO archived_before_008;
ALTER TABLE daily_campaign_stats_archive ADD COLUMN opened_human INTEGER;
ALTER TABLE daily_campaign_stats_archive ADD COLUMN clicked_human INTEGER;
ALTER TABLE daily_campaign_stats_archive ADD COLUMN replied_human INTEGER;
ALTER TABLE daily_campaign_stats_archive ADD COLUMN replied_auto INTEGER;
ALTER TABLE daily_campaign_stats_archive ADD COLUMN replied_positive INTEGER;
ALTER TABLE daily_campaign_stats_archive ADD COLUMN archived TIMESTAMPTZ;
UPDATE daily_campaign_stats_archive SET archived = archived_before_008;
ALTER TABLE daily_campaign_stats_archive DROP COLUMN archived_before_008;
ALTER TABLE daily_step_stats_archive RENAME COLUMN archived TO archived_before_008;
ALTER TABLE daily_step_stats_archive ADD COLUMN opened_human INTEGER;
ALTER TABLE daily_step_stats_archive ADD COLUMN clicked_human INTEGER;
ALTER TABLE daily_step_stats_archive ADD COLUMN replied_human INTEGER;
ALTER TABLE daily_step_stats_archive ADD COLUMN replied_auto INTEGER;
ALTER TABLE daily_step_stats_archive ADD COLUMN replied_positive INTEGER;
ALTER TABLE daily_step_stats_archive ADD COLUMN archived TIMESTAMPTZ;
UPDATE daily_step_stats_archive SET archived = archived_before_008;
ALTER TABLE daily_step_stats_archive DROP COLUMN archived_before_008;
ALTER TABLE daily_mailbox_stats_archive RENAME COLUMN archived TO archived_before_008;
ALTER TABLE daily_mailbox_stats_archive ADD COLUMN opened_human INTEGER;
ALTER TABLE daily_mailbox_stats_archive ADD COLUMN clicked_human INTEGER;
ALTER TABLE daily_mailbox_stats_archive ADD COLUMN replied_human INTEGER;
ALTER TABLE daily_mailbox_stats_archive ADD COLUMN replied_auto INTEGER;
ALTER TABLE daily_mailbox_stats_archive ADD COLUMN replied_positive INTEGER;
ALTER TABLE daily_mailbox_stats_archive ADD COLUMN archived TIMESTAMPTZ;
UPDATE daily_mailbox_stats_archive SET archived = archived_before_008;
ALTER TABLE daily_mailbox_stats_archive DROP COLUMN archived_before_008;
ALTER TABLE daily_tenant_stats_archive RENAME COLUMN archived TO archived_before_008;
ALTER TABLE daily_tenant_stats_archive ADD COLUMN opened_human INTEGER;
ALTER TABLE daily_tenant_stats_archive ADD COLUMN clicked_human INTEGER;
ALTER TABLE daily_tenant_stats_archive ADD COLUMN replied_human INTEGER;
ALTER TABLE daily_tenant_stats_archive ADD COLUMN replied_auto INTEGER;
ALTER TABLE daily_tenant_stats_archive ADD COLUMN replied_positive INTEGER;
ALTER TABLE daily_tenant_stats_archive ADD COLUMN archived TIMESTAMPTZ;
UPDATE daily_tenant_stats_archive SET archived = archived_before_008;
ALTER TABLE daily_tenant_stats_archive DROP COLUMN archived_before_008;

INSERT INTO analytics_jobs (job_type, payload)
SELECT 'recompute', '{}' WHERE EXISTS (SELECT 1 FROM emails);
