-- PenguinMails Analytics, embedded DuckDB schema version 1.
-- The same tables and columns as Storage/Postgres/Schema/001_core.sql. What DuckDB lacks is done
-- elsewhere: no row-level security (the query layer scopes every statement), no partitions (a
-- columnar file with zone maps prunes by date on its own), no materialized views
-- (campaign_performance_summary is a table that maintenance refreshes). Secondary indexes are
-- left out on purpose: DuckDB scans columns with min/max zone maps, and ART indexes only slow
-- its bulk writes. The analytics and rollup tables have no unique constraints either: deleting
-- rows from a table with an ART index on text keys is orders of magnitude slower (30 s instead
-- of 25 ms for 700k rows, measured), which a recompute does; their keys stay unique because only
-- the aggregator writes them, one at a time under the aggregate lock, from grouped deltas.

-- ---------------------------------------------------------------------------------------------
-- Calendar and scoring functions shared by the fold and the recompute (same names on both engines).
--   penguin_utc_day(ts)              the UTC day of a timestamp: days are UTC days (DESIGN.md).
--   penguin_utc_ts(d)                midnight UTC of a day, as a timestamptz.
--   penguin_period_start(d, cycle)   first day of the billing period holding day d, for a tenant
--                                    whose cycle starts on day `cycle` (1-28) of each month.
--   penguin_health_score(...)        a mailbox's health (0-100) from its counters when the sender
--                                    sent no mailbox.health snapshot (DESIGN.md, decision 7):
--                                    100 - 4 x bounce% - 30 x complaint% + min(10, reply%)
--                                        - max(0, (20 - open%) / 2), clamped to 0..100, rounded;
--                                    bounce and complaint rates over sent, reply and open rates over
--                                    delivered; NULL when nothing was sent.
-- ---------------------------------------------------------------------------------------------
CREATE MACRO penguin_utc_day(ts) AS CAST(timezone('UTC', ts) AS DATE);

CREATE MACRO penguin_utc_ts(d) AS timezone('UTC', CAST(d AS TIMESTAMP));

CREATE MACRO penguin_period_start(d, cycle_day) AS
    CASE WHEN EXTRACT(DAY FROM d) >= cycle_day
         THEN make_date(CAST(EXTRACT(YEAR FROM d) AS INTEGER), CAST(EXTRACT(MONTH FROM d) AS INTEGER), cycle_day)
         ELSE CAST(make_date(CAST(EXTRACT(YEAR FROM d) AS INTEGER), CAST(EXTRACT(MONTH FROM d) AS INTEGER), cycle_day) - INTERVAL '1 month' AS DATE) END;

CREATE MACRO penguin_health_score(sent, delivered, opened, replied, bounced, complaints) AS
    CASE WHEN sent > 0 THEN CAST(GREATEST(0, LEAST(100, FLOOR(
        100.0
        - 4.0 * (100.0 * bounced / sent)
        - 30.0 * (100.0 * complaints / sent)
        + LEAST(10.0, CASE WHEN delivered > 0 THEN 100.0 * replied / delivered ELSE 0 END)
        - GREATEST(0.0, (20.0 - CASE WHEN delivered > 0 THEN 100.0 * opened / delivered ELSE 0 END) / 2.0)
        + 0.5))) AS INTEGER) END;

CREATE SEQUENCE seq_tenant_key;
CREATE SEQUENCE seq_company_key;
CREATE SEQUENCE seq_campaign_key;
CREATE SEQUENCE seq_step_key;
CREATE SEQUENCE seq_mailbox_key;
CREATE SEQUENCE seq_lead_key;

CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    tenant_key INTEGER NOT NULL UNIQUE DEFAULT nextval('seq_tenant_key'),
    name TEXT,
    billing_cycle_day INTEGER NOT NULL DEFAULT 1 CHECK (billing_cycle_day BETWEEN 1 AND 28),
    subscription_id TEXT,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE companies (
    id TEXT PRIMARY KEY,
    company_key INTEGER NOT NULL UNIQUE DEFAULT nextval('seq_company_key'),
    tenant_id TEXT NOT NULL,
    name TEXT,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE campaigns (
    id TEXT PRIMARY KEY,
    campaign_key INTEGER NOT NULL UNIQUE DEFAULT nextval('seq_campaign_key'),
    company_id TEXT NOT NULL,
    name TEXT,
    status TEXT,
    started_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE sequence_steps (
    id TEXT PRIMARY KEY,
    step_key INTEGER NOT NULL UNIQUE DEFAULT nextval('seq_step_key'),
    campaign_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    step_number INTEGER,
    variant TEXT,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE mailboxes (
    id TEXT PRIMARY KEY,
    mailbox_key INTEGER NOT NULL UNIQUE DEFAULT nextval('seq_mailbox_key'),
    company_id TEXT NOT NULL,
    address TEXT,
    domain TEXT,
    warmup_status TEXT,
    current_volume INTEGER,
    health_score INTEGER CHECK (health_score BETWEEN 0 AND 100),
    progress_percentage INTEGER CHECK (progress_percentage BETWEEN 0 AND 100),
    health_reported_at TIMESTAMPTZ,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE leads (
    id TEXT PRIMARY KEY,
    lead_key INTEGER NOT NULL UNIQUE DEFAULT nextval('seq_lead_key'),
    company_id TEXT NOT NULL,
    address TEXT,
    status TEXT,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- Raw store: one row per email; each *_at column is the first occurrence of that event.
CREATE TABLE emails (
    email_id TEXT NOT NULL,
    tenant_key INTEGER NOT NULL,
    company_key INTEGER NOT NULL,
    campaign_key INTEGER,
    step_key INTEGER,
    mailbox_key INTEGER NOT NULL,
    lead_key INTEGER,
    is_warmup BOOLEAN NOT NULL DEFAULT FALSE,
    sent_at TIMESTAMPTZ NOT NULL,
    delivered_at TIMESTAMPTZ,
    opened_at TIMESTAMPTZ,
    clicked_at TIMESTAMPTZ,
    replied_at TIMESTAMPTZ,
    bounced_at TIMESTAMPTZ,
    bounce_type TEXT CHECK (bounce_type IN ('hard', 'soft')),
    unsubscribed_at TIMESTAMPTZ,
    complained_at TIMESTAMPTZ,
    ingested TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- The inbox (an outbox in the ingest transaction): every accepted email event and mailbox.health
-- snapshot lands here first, with its references already resolved to surrogate keys. The fold
-- applies what it can to the raw store and deletes it; an event whose email.sent has not arrived
-- stays here, pending, until it does (or until it expires into dead_letter_events).
-- kind: 0 sent, 1 delivered, 2 opened, 3 clicked, 4 replied, 5 bounced, 6 unsubscribed,
--       7 spam_complaint, 8 mailbox.health.
CREATE SEQUENCE seq_pending_events;
CREATE SEQUENCE seq_dead_letter_events;
CREATE TABLE pending_events (
    seq BIGINT NOT NULL DEFAULT nextval('seq_pending_events'),
    kind SMALLINT NOT NULL CHECK (kind BETWEEN 0 AND 8),
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
    received TIMESTAMPTZ NOT NULL DEFAULT NOW()
);


-- Entities upserted since the last fold: the fold refreshes the attributes (status, warmup
-- status, volume, domain) that analytics rows copy from them.
CREATE SEQUENCE seq_entity_changes;
CREATE TABLE entity_changes (
    seq BIGINT NOT NULL DEFAULT nextval('seq_entity_changes'),
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL
);

-- Pipeline watermarks: fold_seq is the highest pending_events.seq the fold has taken in;
-- folded_at is when the last fold committed (the `as_of` of every read).
CREATE TABLE pipeline_state (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
INSERT INTO pipeline_state (name, value) VALUES ('fold_seq', 0);

-- Pending events that outlived the retention window: kept, never dropped.
CREATE TABLE dead_letter_events (
    id BIGINT PRIMARY KEY DEFAULT nextval('seq_dead_letter_events'),
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    email_id TEXT,
    occurred_at TIMESTAMPTZ,
    bounce_type TEXT,
    reason TEXT NOT NULL,
    received TIMESTAMPTZ,
    dead_lettered TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE mailbox_health_snapshots (
    event_id TEXT PRIMARY KEY,
    mailbox_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    health_score INTEGER CHECK (health_score BETWEEN 0 AND 100),
    progress_percentage INTEGER CHECK (progress_percentage BETWEEN 0 AND 100),
    warmup_status TEXT
);

-- Core analytics tables (guide sections 1-6), same columns and unique keys as on PostgreSQL.
CREATE SEQUENCE seq_billing_analytics;
CREATE TABLE billing_analytics (
    id BIGINT NOT NULL DEFAULT nextval('seq_billing_analytics'),
    tenant_id TEXT NOT NULL,
    subscription_id TEXT,
    emails_sent INTEGER DEFAULT 0,
    mailboxes_used INTEGER DEFAULT 0,
    domains_used INTEGER DEFAULT 0,
    campaigns_used INTEGER DEFAULT 0,
    leads_used INTEGER DEFAULT 0,
    warmups_active INTEGER DEFAULT 0,
    period_start TIMESTAMPTZ NOT NULL,
    period_end TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ DEFAULT NOW(),
    PRIMARY KEY (id, period_start),
    UNIQUE (tenant_id, period_start, period_end)
);

CREATE SEQUENCE seq_campaign_analytics;
CREATE TABLE campaign_analytics (
    id BIGINT NOT NULL DEFAULT nextval('seq_campaign_analytics'),
    campaign_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    sent INTEGER DEFAULT 0,
    delivered INTEGER DEFAULT 0,
    opened_tracked INTEGER DEFAULT 0,
    clicked_tracked INTEGER DEFAULT 0,
    replied INTEGER DEFAULT 0,
    bounced INTEGER DEFAULT 0,
    unsubscribed INTEGER DEFAULT 0,
    spam_complaints INTEGER DEFAULT 0,
    status TEXT,
    completed_leads INTEGER DEFAULT 0,
    billing_id BIGINT NOT NULL,
    updated TIMESTAMPTZ DEFAULT NOW()
);

CREATE SEQUENCE seq_mailbox_analytics;
CREATE TABLE mailbox_analytics (
    id BIGINT NOT NULL DEFAULT nextval('seq_mailbox_analytics'),
    mailbox_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    sent INTEGER DEFAULT 0,
    delivered INTEGER DEFAULT 0,
    opened_tracked INTEGER DEFAULT 0,
    clicked_tracked INTEGER DEFAULT 0,
    replied INTEGER DEFAULT 0,
    bounced INTEGER DEFAULT 0,
    unsubscribed INTEGER DEFAULT 0,
    spam_complaints INTEGER DEFAULT 0,
    warmup_status TEXT,
    health_score INTEGER DEFAULT 0,
    current_volume INTEGER DEFAULT 0,
    billing_id BIGINT NOT NULL,
    campaign_status TEXT,
    -- campaign_status is the status of the campaign the mailbox last sent for in the period.
    last_sent_at TIMESTAMPTZ,
    last_campaign_id TEXT,
    updated TIMESTAMPTZ DEFAULT NOW()
);

CREATE SEQUENCE seq_lead_analytics;
CREATE TABLE lead_analytics (
    id BIGINT NOT NULL DEFAULT nextval('seq_lead_analytics'),
    lead_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    sent INTEGER DEFAULT 0,
    delivered INTEGER DEFAULT 0,
    opened_tracked INTEGER DEFAULT 0,
    clicked_tracked INTEGER DEFAULT 0,
    replied INTEGER DEFAULT 0,
    bounced INTEGER DEFAULT 0,
    unsubscribed INTEGER DEFAULT 0,
    spam_complaints INTEGER DEFAULT 0,
    status TEXT,
    billing_id BIGINT NOT NULL,
    updated TIMESTAMPTZ DEFAULT NOW()
);

CREATE SEQUENCE seq_warmup_analytics;
CREATE TABLE warmup_analytics (
    id BIGINT NOT NULL DEFAULT nextval('seq_warmup_analytics'),
    mailbox_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    snapshot_date DATE NOT NULL,
    sent INTEGER DEFAULT 0,
    delivered INTEGER DEFAULT 0,
    opened_tracked INTEGER DEFAULT 0,
    clicked_tracked INTEGER DEFAULT 0,
    replied INTEGER DEFAULT 0,
    bounced INTEGER DEFAULT 0,
    unsubscribed INTEGER DEFAULT 0,
    spam_complaints INTEGER DEFAULT 0,
    health_score INTEGER DEFAULT 0,
    progress_percentage INTEGER DEFAULT 0,
    billing_id BIGINT NOT NULL,
    updated TIMESTAMPTZ DEFAULT NOW()
);

CREATE SEQUENCE seq_sequence_step_analytics;
CREATE TABLE sequence_step_analytics (
    id BIGINT NOT NULL DEFAULT nextval('seq_sequence_step_analytics'),
    step_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    sent INTEGER DEFAULT 0,
    delivered INTEGER DEFAULT 0,
    opened_tracked INTEGER DEFAULT 0,
    clicked_tracked INTEGER DEFAULT 0,
    replied INTEGER DEFAULT 0,
    bounced INTEGER DEFAULT 0,
    unsubscribed INTEGER DEFAULT 0,
    spam_complaints INTEGER DEFAULT 0,
    billing_id BIGINT NOT NULL,
    updated TIMESTAMPTZ DEFAULT NOW()
);

-- Daily rollups: cohort counters per entity per UTC day of sent_at.
CREATE TABLE daily_campaign_stats (
    campaign_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    day DATE NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    delivered INTEGER NOT NULL DEFAULT 0,
    opened_tracked INTEGER NOT NULL DEFAULT 0,
    clicked_tracked INTEGER NOT NULL DEFAULT 0,
    replied INTEGER NOT NULL DEFAULT 0,
    bounced INTEGER NOT NULL DEFAULT 0,
    unsubscribed INTEGER NOT NULL DEFAULT 0,
    spam_complaints INTEGER NOT NULL DEFAULT 0,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE daily_step_stats (
    step_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    day DATE NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    delivered INTEGER NOT NULL DEFAULT 0,
    opened_tracked INTEGER NOT NULL DEFAULT 0,
    clicked_tracked INTEGER NOT NULL DEFAULT 0,
    replied INTEGER NOT NULL DEFAULT 0,
    bounced INTEGER NOT NULL DEFAULT 0,
    unsubscribed INTEGER NOT NULL DEFAULT 0,
    spam_complaints INTEGER NOT NULL DEFAULT 0,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE daily_mailbox_stats (
    mailbox_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    day DATE NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    delivered INTEGER NOT NULL DEFAULT 0,
    opened_tracked INTEGER NOT NULL DEFAULT 0,
    clicked_tracked INTEGER NOT NULL DEFAULT 0,
    replied INTEGER NOT NULL DEFAULT 0,
    bounced INTEGER NOT NULL DEFAULT 0,
    unsubscribed INTEGER NOT NULL DEFAULT 0,
    spam_complaints INTEGER NOT NULL DEFAULT 0,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE daily_tenant_stats (
    tenant_id TEXT NOT NULL,
    day DATE NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    delivered INTEGER NOT NULL DEFAULT 0,
    opened_tracked INTEGER NOT NULL DEFAULT 0,
    clicked_tracked INTEGER NOT NULL DEFAULT 0,
    replied INTEGER NOT NULL DEFAULT 0,
    bounced INTEGER NOT NULL DEFAULT 0,
    unsubscribed INTEGER NOT NULL DEFAULT 0,
    spam_complaints INTEGER NOT NULL DEFAULT 0,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- Administrative tables (guide sections 7-8).
CREATE SEQUENCE seq_admin_audit_logs;
CREATE TABLE admin_audit_logs (
    id BIGINT PRIMARY KEY DEFAULT nextval('seq_admin_audit_logs'),
    creation_time TIMESTAMPTZ DEFAULT NOW(),
    admin_user_id TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    old_values JSON,
    new_values JSON,
    ip_address TEXT,
    user_agent TEXT,
    "timestamp" BIGINT,
    notes TEXT,
    metadata JSON,
    query_duration_ms INTEGER,
    affected_rows INTEGER DEFAULT 0,
    query_complexity_score INTEGER,
    analytics_event_id TEXT,
    performance_category VARCHAR(20) CHECK (performance_category IN ('fast', 'normal', 'slow', 'critical')),
    compliance_flags TEXT[],
    data_classification VARCHAR(20) CHECK (data_classification IN ('public', 'internal', 'confidential', 'restricted')),
    retention_category VARCHAR(20) CHECK (retention_category IN ('short_term', 'medium_term', 'long_term', 'permanent'))
);

CREATE VIEW admin_audit_log AS SELECT * FROM admin_audit_logs;

CREATE SEQUENCE seq_admin_system_events;
CREATE TABLE admin_system_events (
    id BIGINT PRIMARY KEY DEFAULT nextval('seq_admin_system_events'),
    creation_time TIMESTAMPTZ DEFAULT NOW(),
    event_type TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    details JSON,
    admin_user_id TEXT,
    tenant_id TEXT,
    "timestamp" BIGINT,
    resolved TIMESTAMPTZ,
    resolution TEXT,
    session_token TEXT,
    ip_address TEXT,
    user_agent TEXT,
    device_info TEXT,
    started BIGINT,
    last_activity BIGINT,
    expires BIGINT,
    is_active BOOLEAN DEFAULT TRUE
);

-- Security tables (guide, "Analytics Security Tables").
CREATE SEQUENCE seq_analytics_access_audit;
CREATE TABLE analytics_access_audit (
    id BIGINT PRIMARY KEY DEFAULT nextval('seq_analytics_access_audit'),
    user_id TEXT,
    tenant_id TEXT,
    query_type VARCHAR(50) CHECK (query_type IN ('dashboard', 'report', 'export', 'api')),
    table_accessed VARCHAR(100),
    filters_applied JSON,
    rows_returned INTEGER,
    query_duration_ms INTEGER,
    ip_address TEXT,
    user_agent TEXT,
    success BOOLEAN DEFAULT TRUE,
    failure_reason TEXT,
    data_sensitivity VARCHAR(20) CHECK (data_sensitivity IN ('public', 'internal', 'confidential')),
    compliance_check_passed BOOLEAN DEFAULT TRUE,
    created TIMESTAMPTZ DEFAULT NOW()
);

CREATE SEQUENCE seq_analytics_rate_limits;
CREATE TABLE analytics_rate_limits (
    id BIGINT PRIMARY KEY DEFAULT nextval('seq_analytics_rate_limits'),
    tenant_id TEXT NOT NULL,
    query_type VARCHAR(50),
    time_window_seconds INTEGER DEFAULT 3600,
    max_queries INTEGER NOT NULL,
    current_count INTEGER DEFAULT 0,
    window_start TIMESTAMPTZ DEFAULT NOW(),
    is_active BOOLEAN DEFAULT TRUE,
    created TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE (tenant_id, query_type, time_window_seconds)
);

CREATE SEQUENCE seq_analytics_export_controls;
CREATE TABLE analytics_export_controls (
    id BIGINT PRIMARY KEY DEFAULT nextval('seq_analytics_export_controls'),
    tenant_id TEXT NOT NULL,
    export_type VARCHAR(50) CHECK (export_type IN ('csv', 'json', 'pdf', 'xlsx')),
    max_rows INTEGER DEFAULT 10000,
    requires_approval BOOLEAN DEFAULT FALSE,
    auto_expires_hours INTEGER DEFAULT 24,
    encryption_required BOOLEAN DEFAULT TRUE,
    watermark_required BOOLEAN DEFAULT TRUE,
    created_by TEXT,
    is_active BOOLEAN DEFAULT TRUE,
    created TIMESTAMPTZ DEFAULT NOW()
);

-- Workload pools, seeded with the guide's four rows.
CREATE TABLE analytics_connection_pools (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    pool_type VARCHAR(30) UNIQUE CHECK (pool_type IN ('dashboard_queries', 'report_generation', 'data_exports', 'ad_hoc_analytics')),
    min_connections INTEGER DEFAULT 2,
    max_connections INTEGER DEFAULT 12,
    connection_timeout_seconds INTEGER DEFAULT 120,
    idle_timeout_seconds INTEGER DEFAULT 1800,
    max_lifetime_seconds INTEGER DEFAULT 7200,
    acquire_timeout_seconds INTEGER DEFAULT 180,
    query_timeout_seconds INTEGER DEFAULT 300,
    memory_limit_mb INTEGER DEFAULT 512,
    temp_space_limit_mb INTEGER DEFAULT 1024,
    enable_parallel_queries BOOLEAN DEFAULT TRUE,
    max_parallel_workers INTEGER DEFAULT 4,
    is_active BOOLEAN DEFAULT TRUE,
    created TIMESTAMPTZ DEFAULT NOW()
);

INSERT INTO analytics_connection_pools (
    pool_type, min_connections, max_connections,
    connection_timeout_seconds, query_timeout_seconds,
    enable_parallel_queries, max_parallel_workers
) VALUES
('dashboard_queries', 3, 15, 60, 30, true, 2),
('report_generation', 2, 8, 120, 600, true, 4),
('data_exports', 1, 5, 180, 1800, false, 1),
('ad_hoc_analytics', 2, 10, 90, 300, true, 3);

CREATE SEQUENCE seq_analytics_pool_metrics;
CREATE TABLE analytics_pool_metrics (
    id BIGINT PRIMARY KEY DEFAULT nextval('seq_analytics_pool_metrics'),
    pool_type VARCHAR(30),
    collected_at TIMESTAMPTZ DEFAULT NOW(),
    active_connections INTEGER,
    idle_connections INTEGER,
    pending_connections INTEGER,
    active_queries INTEGER,
    query_queue_depth INTEGER,
    avg_query_duration_ms INTEGER,
    max_query_duration_ms INTEGER,
    total_queries_executed BIGINT,
    cache_hit_rate DECIMAL(5,2),
    memory_usage_mb INTEGER,
    temp_space_usage_mb INTEGER,
    parallel_workers_used_avg DECIMAL(3,1),
    query_timeout_count INTEGER DEFAULT 0,
    connection_timeout_count INTEGER DEFAULT 0
);

-- Durable job queue (the same table as on PostgreSQL).
CREATE SEQUENCE seq_analytics_jobs;
CREATE TABLE analytics_jobs (
    id BIGINT PRIMARY KEY DEFAULT nextval('seq_analytics_jobs'),
    job_type TEXT NOT NULL,
    tenant_id TEXT,
    payload JSON NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5,
    run_after TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    lease_owner TEXT,
    lease_expires TIMESTAMPTZ,
    last_error TEXT,
    created TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    finished TIMESTAMPTZ
);

-- Archive tables: the source's columns plus when the row was archived.
CREATE TABLE emails_archive AS SELECT *, NOW() AS archived FROM emails LIMIT 0;
CREATE TABLE billing_analytics_archive AS SELECT *, NOW() AS archived FROM billing_analytics LIMIT 0;
CREATE TABLE campaign_analytics_archive AS SELECT *, NOW() AS archived FROM campaign_analytics LIMIT 0;
CREATE TABLE sequence_step_analytics_archive AS SELECT *, NOW() AS archived FROM sequence_step_analytics LIMIT 0;
CREATE TABLE mailbox_analytics_archive AS SELECT *, NOW() AS archived FROM mailbox_analytics LIMIT 0;
CREATE TABLE lead_analytics_archive AS SELECT *, NOW() AS archived FROM lead_analytics LIMIT 0;
CREATE TABLE warmup_analytics_archive AS SELECT *, NOW() AS archived FROM warmup_analytics LIMIT 0;
CREATE TABLE daily_campaign_stats_archive AS SELECT *, NOW() AS archived FROM daily_campaign_stats LIMIT 0;
CREATE TABLE daily_step_stats_archive AS SELECT *, NOW() AS archived FROM daily_step_stats LIMIT 0;
CREATE TABLE daily_mailbox_stats_archive AS SELECT *, NOW() AS archived FROM daily_mailbox_stats LIMIT 0;
CREATE TABLE daily_tenant_stats_archive AS SELECT *, NOW() AS archived FROM daily_tenant_stats LIMIT 0;

-- campaign_performance_summary: the guide's materialized view, as a table refreshed by maintenance.
CREATE TABLE campaign_performance_summary (
    campaign_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    billing_id BIGINT NOT NULL,
    campaign_name TEXT,
    campaign_status TEXT,
    sent INTEGER,
    delivered INTEGER,
    opened_tracked INTEGER,
    clicked_tracked INTEGER,
    replied INTEGER,
    bounced INTEGER,
    unsubscribed INTEGER,
    spam_complaints INTEGER,
    delivery_rate DECIMAL(18,2),
    open_rate DECIMAL(18,2),
    click_rate DECIMAL(18,2),
    reply_rate DECIMAL(18,2),
    bounce_rate DECIMAL(18,2),
    campaign_duration_hours DOUBLE,
    updated TIMESTAMPTZ,
    PRIMARY KEY (campaign_id, billing_id)
);
