-- PenguinMails Analytics, PostgreSQL schema version 1.
-- The guide's tables (spec/olap-analytics-schema-guide.md) with DESIGN.md's decisions applied:
-- text identifiers everywhere, DDL column names (`updated`, `resolved`, `started`, `expires`),
-- one row per entity per billing period with unique keys so recomputes overwrite.
-- Runs inside one transaction; the migrator records the version.

-- ---------------------------------------------------------------------------------------------
-- Roles. Cluster-wide, so creation tolerates a concurrent migrator of another database.
--   penguin_analytics_app   : what tenant-facing queries run as. Owns nothing, no BYPASSRLS.
--   penguin_analytics_admin : membership makes `app.user_role = 'admin'` count. Setting the GUC
--                             alone does nothing, so the app role cannot promote itself.
-- ---------------------------------------------------------------------------------------------
DO $$
BEGIN
    BEGIN
        CREATE ROLE penguin_analytics_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE penguin_analytics_admin NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    -- A non-superuser owner is subject to FORCE ROW LEVEL SECURITY too; the pipeline runs as the
    -- owner with app.user_role = 'admin', which needs this membership.
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT penguin_analytics_admin TO %I', current_user);
    END IF;
END $$;

-- Tenant context, read by every policy. Unset means no tenant: policies fail closed.
CREATE FUNCTION penguin_current_tenant() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('app.current_tenant_id', true), '') $$;

CREATE FUNCTION penguin_is_admin() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce(current_setting('app.user_role', true) = 'admin', false)
             AND pg_has_role('penguin_analytics_admin', 'MEMBER') $$;

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
CREATE FUNCTION penguin_utc_day(ts TIMESTAMPTZ) RETURNS DATE
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CAST(ts AT TIME ZONE 'UTC' AS DATE) $$;

CREATE FUNCTION penguin_utc_ts(d DATE) RETURNS TIMESTAMPTZ
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CAST(d AS TIMESTAMP) AT TIME ZONE 'UTC' $$;

CREATE FUNCTION penguin_period_start(d DATE, cycle_day INTEGER) RETURNS DATE
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN EXTRACT(DAY FROM d) >= cycle_day
         THEN make_date(CAST(EXTRACT(YEAR FROM d) AS INTEGER), CAST(EXTRACT(MONTH FROM d) AS INTEGER), cycle_day)
         ELSE CAST(make_date(CAST(EXTRACT(YEAR FROM d) AS INTEGER), CAST(EXTRACT(MONTH FROM d) AS INTEGER), cycle_day) - INTERVAL '1 month' AS DATE) END $$;

CREATE FUNCTION penguin_health_score(sent BIGINT, delivered BIGINT, opened BIGINT, replied BIGINT, bounced BIGINT, complaints BIGINT)
RETURNS INTEGER
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN sent > 0 THEN CAST(GREATEST(0, LEAST(100, FLOOR(
        100.0
        - 4.0 * (100.0 * bounced / sent)
        - 30.0 * (100.0 * complaints / sent)
        + LEAST(10.0, CASE WHEN delivered > 0 THEN 100.0 * replied / delivered ELSE 0 END)
        - GREATEST(0.0, (20.0 - CASE WHEN delivered > 0 THEN 100.0 * opened / delivered ELSE 0 END) / 2.0)
        + 0.5))) AS INTEGER) END $$;

-- ---------------------------------------------------------------------------------------------
-- Dimensions. Integer surrogate keys (`*_key`) keep the raw store narrow and its scans fast.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    tenant_key INTEGER GENERATED BY DEFAULT AS IDENTITY UNIQUE,
    name TEXT,
    billing_cycle_day INTEGER NOT NULL DEFAULT 1 CHECK (billing_cycle_day BETWEEN 1 AND 28),
    subscription_id TEXT,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE companies (
    id TEXT PRIMARY KEY,
    company_key INTEGER GENERATED BY DEFAULT AS IDENTITY UNIQUE,
    tenant_id TEXT NOT NULL,
    name TEXT,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_companies_tenant ON companies(tenant_id);

CREATE TABLE campaigns (
    id TEXT PRIMARY KEY,
    campaign_key INTEGER GENERATED BY DEFAULT AS IDENTITY UNIQUE,
    company_id TEXT NOT NULL,
    name TEXT,
    status TEXT,
    started_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_campaigns_company ON campaigns(company_id);

CREATE TABLE sequence_steps (
    id TEXT PRIMARY KEY,
    step_key INTEGER GENERATED BY DEFAULT AS IDENTITY UNIQUE,
    campaign_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    step_number INTEGER,
    variant TEXT,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_sequence_steps_campaign ON sequence_steps(campaign_id);

CREATE TABLE mailboxes (
    id TEXT PRIMARY KEY,
    mailbox_key INTEGER GENERATED BY DEFAULT AS IDENTITY UNIQUE,
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
CREATE INDEX idx_mailboxes_company ON mailboxes(company_id);

CREATE TABLE leads (
    id TEXT PRIMARY KEY,
    lead_key INTEGER GENERATED BY DEFAULT AS IDENTITY UNIQUE,
    company_id TEXT NOT NULL,
    address TEXT,
    status TEXT,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_leads_company ON leads(company_id);

-- ---------------------------------------------------------------------------------------------
-- Raw store: one row per email; each *_at column is the first occurrence of that event.
-- Warmup traffic has no campaign, step or lead. Partitioned by month of sent_at.
-- ---------------------------------------------------------------------------------------------
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
) PARTITION BY RANGE (sent_at);
CREATE INDEX idx_emails_email ON emails(email_id);
CREATE INDEX idx_emails_tenant_sent ON emails(tenant_key, sent_at);

-- The inbox (an outbox in the ingest transaction): every accepted email event and mailbox.health
-- snapshot lands here first, with its references already resolved to surrogate keys. The fold
-- applies what it can to the raw store and deletes it; an event whose email.sent has not arrived
-- stays here, pending, until it does (or until it expires into dead_letter_events).
-- kind: 0 sent, 1 delivered, 2 opened, 3 clicked, 4 replied, 5 bounced, 6 unsubscribed,
--       7 spam_complaint, 8 mailbox.health.
CREATE TABLE pending_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
CREATE INDEX idx_pending_events_received ON pending_events(received);

-- Entities upserted since the last fold: the fold refreshes the attributes (status, warmup
-- status, volume, domain) that analytics rows copy from them.
CREATE TABLE entity_changes (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    email_id TEXT,
    occurred_at TIMESTAMPTZ,
    bounce_type TEXT,
    reason TEXT NOT NULL,
    received TIMESTAMPTZ,
    dead_lettered TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- mailbox.health snapshots from the sending side.
CREATE TABLE mailbox_health_snapshots (
    event_id TEXT PRIMARY KEY,
    mailbox_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    health_score INTEGER CHECK (health_score BETWEEN 0 AND 100),
    progress_percentage INTEGER CHECK (progress_percentage BETWEEN 0 AND 100),
    warmup_status TEXT
);
CREATE INDEX idx_mailbox_health_snapshots_mailbox ON mailbox_health_snapshots(mailbox_id, occurred_at);

-- ---------------------------------------------------------------------------------------------
-- Core analytics tables (guide sections 1-6).
-- billing_id has no foreign key: billing_analytics is partitioned by period_start, so its
-- primary key is (id, period_start) and a reference to id alone is not allowed.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE billing_analytics (
    id BIGINT GENERATED ALWAYS AS IDENTITY,
    tenant_id TEXT NOT NULL,
    subscription_id TEXT,
    emails_sent INTEGER DEFAULT 0,
    mailboxes_used INTEGER DEFAULT 0,
    domains_used INTEGER DEFAULT 0,
    campaigns_used INTEGER DEFAULT 0,
    leads_used INTEGER DEFAULT 0,
    warmups_active INTEGER DEFAULT 0,
    period_start TIMESTAMP WITH TIME ZONE NOT NULL,
    period_end TIMESTAMP WITH TIME ZONE NOT NULL,
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    PRIMARY KEY (id, period_start)
) PARTITION BY RANGE (period_start);
CREATE UNIQUE INDEX idx_billing_analytics_tenant_period ON billing_analytics(tenant_id, period_start, period_end);
CREATE INDEX idx_billing_analytics_tenant ON billing_analytics(tenant_id);
CREATE INDEX idx_billing_analytics_subscription ON billing_analytics(subscription_id);
CREATE INDEX idx_billing_analytics_period ON billing_analytics(period_start, period_end);

CREATE TABLE campaign_analytics (
    id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
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
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT uq_campaign_analytics_period UNIQUE (campaign_id, billing_id)
);
CREATE INDEX idx_campaign_analytics_campaign ON campaign_analytics(campaign_id);
CREATE INDEX idx_campaign_analytics_company ON campaign_analytics(company_id);
CREATE INDEX idx_campaign_analytics_status ON campaign_analytics(status);
CREATE INDEX idx_campaign_analytics_billing ON campaign_analytics(billing_id);

CREATE TABLE mailbox_analytics (
    id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
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
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT uq_mailbox_analytics_period UNIQUE (mailbox_id, billing_id)
);
CREATE INDEX idx_mailbox_analytics_mailbox ON mailbox_analytics(mailbox_id);
CREATE INDEX idx_mailbox_analytics_company ON mailbox_analytics(company_id);
CREATE INDEX idx_mailbox_analytics_warmup ON mailbox_analytics(warmup_status);
CREATE INDEX idx_mailbox_analytics_health ON mailbox_analytics(health_score);
CREATE INDEX idx_mailbox_analytics_billing ON mailbox_analytics(billing_id);

-- company_id is added to the guide's columns so that isolation does not depend on
-- campaign_analytics rows existing (the guide's policy joined through them).
CREATE TABLE lead_analytics (
    id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
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
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT uq_lead_analytics_period UNIQUE (lead_id, campaign_id, billing_id)
);
CREATE INDEX idx_lead_analytics_lead ON lead_analytics(lead_id);
CREATE INDEX idx_lead_analytics_campaign ON lead_analytics(campaign_id);
CREATE INDEX idx_lead_analytics_status ON lead_analytics(status);
CREATE INDEX idx_lead_analytics_billing ON lead_analytics(billing_id);
CREATE INDEX idx_lead_analytics_company ON lead_analytics(company_id);

-- One row per mailbox per day (DESIGN.md, grain): snapshot_date is added to the guide's columns.
CREATE TABLE warmup_analytics (
    id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
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
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT uq_warmup_analytics_day UNIQUE (mailbox_id, snapshot_date)
);
CREATE INDEX idx_warmup_analytics_mailbox ON warmup_analytics(mailbox_id);
CREATE INDEX idx_warmup_analytics_company ON warmup_analytics(company_id);
CREATE INDEX idx_warmup_analytics_health ON warmup_analytics(health_score);
CREATE INDEX idx_warmup_analytics_progress ON warmup_analytics(progress_percentage);
CREATE INDEX idx_warmup_analytics_billing ON warmup_analytics(billing_id);

CREATE TABLE sequence_step_analytics (
    id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
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
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT uq_sequence_step_analytics_period UNIQUE (step_id, billing_id)
);
CREATE INDEX idx_sequence_step_analytics_step ON sequence_step_analytics(step_id);
CREATE INDEX idx_sequence_step_analytics_campaign ON sequence_step_analytics(campaign_id);
CREATE INDEX idx_sequence_step_analytics_company ON sequence_step_analytics(company_id);
CREATE INDEX idx_sequence_step_analytics_billing ON sequence_step_analytics(billing_id);

-- ---------------------------------------------------------------------------------------------
-- Daily rollups: cohort counters per entity per UTC day of sent_at. They answer every
-- date-range and trend query without touching the raw store.
-- ---------------------------------------------------------------------------------------------
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
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (campaign_id, day)
);
CREATE INDEX idx_daily_campaign_stats_tenant_day ON daily_campaign_stats(tenant_id, day);

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
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (step_id, day)
);
CREATE INDEX idx_daily_step_stats_campaign_day ON daily_step_stats(campaign_id, day);
CREATE INDEX idx_daily_step_stats_tenant_day ON daily_step_stats(tenant_id, day);

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
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (mailbox_id, day)
);
CREATE INDEX idx_daily_mailbox_stats_tenant_day ON daily_mailbox_stats(tenant_id, day);

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
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (tenant_id, day)
);

-- ---------------------------------------------------------------------------------------------
-- Administrative tables (guide sections 7-8). admin_system_events is the consolidated
-- definition with the session columns (DESIGN.md, decision 2).
-- ---------------------------------------------------------------------------------------------
CREATE TABLE admin_audit_logs (
    id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    creation_time TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    admin_user_id TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    old_values JSONB,
    new_values JSONB,
    ip_address TEXT,
    user_agent TEXT,
    timestamp BIGINT,
    notes TEXT,
    metadata JSONB,
    query_duration_ms INTEGER,
    affected_rows INTEGER DEFAULT 0,
    query_complexity_score INTEGER,
    analytics_event_id TEXT,
    performance_category VARCHAR(20) CHECK (performance_category IN ('fast', 'normal', 'slow', 'critical')),
    compliance_flags TEXT[],
    data_classification VARCHAR(20) CHECK (data_classification IN ('public', 'internal', 'confidential', 'restricted')),
    retention_category VARCHAR(20) CHECK (retention_category IN ('short_term', 'medium_term', 'long_term', 'permanent'))
);
CREATE INDEX idx_admin_audit_admin_user ON admin_audit_logs(admin_user_id, creation_time DESC);
CREATE INDEX idx_admin_audit_tenant ON admin_audit_logs(tenant_id, creation_time DESC);
CREATE INDEX idx_admin_audit_resource ON admin_audit_logs(resource_type, resource_id);
CREATE INDEX idx_admin_audit_action ON admin_audit_logs(action, creation_time DESC);
CREATE INDEX idx_admin_audit_timestamp ON admin_audit_logs(timestamp);
CREATE INDEX idx_admin_audit_performance ON admin_audit_logs(performance_category, query_duration_ms DESC) WHERE query_duration_ms IS NOT NULL;
CREATE INDEX idx_admin_audit_analytics ON admin_audit_logs(analytics_event_id) WHERE analytics_event_id IS NOT NULL;
CREATE INDEX idx_admin_audit_compliance ON admin_audit_logs USING gin(compliance_flags) WHERE compliance_flags IS NOT NULL;
CREATE INDEX idx_admin_audit_classification ON admin_audit_logs(data_classification, retention_category);
CREATE INDEX idx_admin_audit_complexity ON admin_audit_logs(query_complexity_score DESC) WHERE query_complexity_score IS NOT NULL;

-- The guide's SQL uses the singular name; security_invoker keeps RLS in force through the view.
CREATE VIEW admin_audit_log WITH (security_invoker = true) AS SELECT * FROM admin_audit_logs;

CREATE TABLE admin_system_events (
    id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    creation_time TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    event_type TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    details JSONB,
    admin_user_id TEXT,
    tenant_id TEXT,
    timestamp BIGINT,
    resolved TIMESTAMP WITH TIME ZONE,
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
CREATE INDEX idx_admin_system_events_type ON admin_system_events(event_type, creation_time DESC);
CREATE INDEX idx_admin_system_events_severity ON admin_system_events(severity, creation_time DESC);
CREATE INDEX idx_admin_system_events_tenant ON admin_system_events(tenant_id, creation_time DESC);
CREATE INDEX idx_admin_system_events_admin_user ON admin_system_events(admin_user_id, creation_time DESC);
CREATE INDEX idx_admin_system_events_unresolved ON admin_system_events(creation_time) WHERE resolved IS NULL;
CREATE INDEX idx_admin_system_events_session_token ON admin_system_events(session_token) WHERE session_token IS NOT NULL;
CREATE INDEX idx_admin_system_events_active_sessions ON admin_system_events(admin_user_id, is_active) WHERE is_active = true;
CREATE INDEX idx_admin_system_events_timestamp ON admin_system_events(timestamp);

-- ---------------------------------------------------------------------------------------------
-- Security tables (guide, "Analytics Security Tables").
-- ---------------------------------------------------------------------------------------------
CREATE TABLE analytics_access_audit (
    id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    user_id TEXT,
    tenant_id TEXT,
    query_type VARCHAR(50) CHECK (query_type IN ('dashboard', 'report', 'export', 'api')),
    table_accessed VARCHAR(100),
    filters_applied JSONB,
    rows_returned INTEGER,
    query_duration_ms INTEGER,
    ip_address TEXT,
    user_agent TEXT,
    success BOOLEAN DEFAULT TRUE,
    failure_reason TEXT,
    data_sensitivity VARCHAR(20) CHECK (data_sensitivity IN ('public', 'internal', 'confidential')),
    compliance_check_passed BOOLEAN DEFAULT TRUE,
    created TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);
CREATE INDEX idx_analytics_access_tenant ON analytics_access_audit(tenant_id, created DESC);
CREATE INDEX idx_analytics_access_user ON analytics_access_audit(user_id, created DESC);

CREATE TABLE analytics_rate_limits (
    id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    tenant_id TEXT NOT NULL,
    query_type VARCHAR(50),
    time_window_seconds INTEGER DEFAULT 3600,
    max_queries INTEGER NOT NULL,
    current_count INTEGER DEFAULT 0,
    window_start TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    is_active BOOLEAN DEFAULT TRUE,
    created TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    UNIQUE (tenant_id, query_type, time_window_seconds)
);
CREATE INDEX idx_analytics_rate_limits_tenant ON analytics_rate_limits(tenant_id, window_start DESC);

CREATE TABLE analytics_export_controls (
    id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    tenant_id TEXT NOT NULL,
    export_type VARCHAR(50) CHECK (export_type IN ('csv', 'json', 'pdf', 'xlsx')),
    max_rows INTEGER DEFAULT 10000,
    requires_approval BOOLEAN DEFAULT FALSE,
    auto_expires_hours INTEGER DEFAULT 24,
    encryption_required BOOLEAN DEFAULT TRUE,
    watermark_required BOOLEAN DEFAULT TRUE,
    created_by TEXT,
    is_active BOOLEAN DEFAULT TRUE,
    created TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);
CREATE INDEX idx_analytics_export_controls_tenant ON analytics_export_controls(tenant_id, export_type);

-- ---------------------------------------------------------------------------------------------
-- Workload pools (guide, "OLAP Connection Pooling Strategy"), seeded with its four rows.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE analytics_connection_pools (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    pool_type VARCHAR(30) CHECK (pool_type IN ('dashboard_queries', 'report_generation', 'data_exports', 'ad_hoc_analytics')),
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
    created TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    UNIQUE (pool_type)
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

CREATE TABLE analytics_pool_metrics (
    id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    pool_type VARCHAR(30),
    collected_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
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
CREATE INDEX idx_analytics_pool_metrics_pool_time ON analytics_pool_metrics(pool_type, collected_at DESC);

-- ---------------------------------------------------------------------------------------------
-- Durable job queue (DESIGN.md, pipeline): leases, retries with backoff, dead letters.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE analytics_jobs (
    id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    job_type TEXT NOT NULL,
    tenant_id TEXT,
    payload JSONB NOT NULL DEFAULT '{}',
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
CREATE INDEX idx_analytics_jobs_ready ON analytics_jobs(run_after) WHERE status = 'queued';
CREATE INDEX idx_analytics_jobs_leases ON analytics_jobs(lease_expires) WHERE status = 'running';

-- ---------------------------------------------------------------------------------------------
-- Archive tables: maintenance moves rows past the retention window here, in one transaction.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE emails_archive (LIKE emails INCLUDING DEFAULTS, archived TIMESTAMPTZ NOT NULL DEFAULT NOW());
CREATE TABLE billing_analytics_archive (LIKE billing_analytics, archived TIMESTAMPTZ NOT NULL DEFAULT NOW());
CREATE TABLE campaign_analytics_archive (LIKE campaign_analytics, archived TIMESTAMPTZ NOT NULL DEFAULT NOW());
CREATE TABLE sequence_step_analytics_archive (LIKE sequence_step_analytics, archived TIMESTAMPTZ NOT NULL DEFAULT NOW());
CREATE TABLE mailbox_analytics_archive (LIKE mailbox_analytics, archived TIMESTAMPTZ NOT NULL DEFAULT NOW());
CREATE TABLE lead_analytics_archive (LIKE lead_analytics, archived TIMESTAMPTZ NOT NULL DEFAULT NOW());
CREATE TABLE warmup_analytics_archive (LIKE warmup_analytics, archived TIMESTAMPTZ NOT NULL DEFAULT NOW());
CREATE TABLE daily_campaign_stats_archive (LIKE daily_campaign_stats, archived TIMESTAMPTZ NOT NULL DEFAULT NOW());
CREATE TABLE daily_step_stats_archive (LIKE daily_step_stats, archived TIMESTAMPTZ NOT NULL DEFAULT NOW());
CREATE TABLE daily_mailbox_stats_archive (LIKE daily_mailbox_stats, archived TIMESTAMPTZ NOT NULL DEFAULT NOW());
CREATE TABLE daily_tenant_stats_archive (LIKE daily_tenant_stats, archived TIMESTAMPTZ NOT NULL DEFAULT NOW());

-- ---------------------------------------------------------------------------------------------
-- Materialized view (guide, "Materialized Views"). The unique index is what
-- REFRESH MATERIALIZED VIEW CONCURRENTLY needs. Materialized views ignore RLS, so tenant
-- readers get the security-barrier view below instead of the view itself.
-- ---------------------------------------------------------------------------------------------
CREATE MATERIALIZED VIEW campaign_performance_summary AS
SELECT
    ca.campaign_id,
    ca.company_id,
    ca.billing_id,
    c.name AS campaign_name,
    c.status AS campaign_status,
    ca.sent,
    ca.delivered,
    ca.opened_tracked,
    ca.clicked_tracked,
    ca.replied,
    ca.bounced,
    ca.unsubscribed,
    ca.spam_complaints,
    ROUND((ca.delivered::DECIMAL / NULLIF(ca.sent, 0)) * 100, 2) AS delivery_rate,
    ROUND((ca.opened_tracked::DECIMAL / NULLIF(ca.delivered, 0)) * 100, 2) AS open_rate,
    ROUND((ca.clicked_tracked::DECIMAL / NULLIF(ca.delivered, 0)) * 100, 2) AS click_rate,
    ROUND((ca.replied::DECIMAL / NULLIF(ca.delivered, 0)) * 100, 2) AS reply_rate,
    ROUND((ca.bounced::DECIMAL / NULLIF(ca.sent, 0)) * 100, 2) AS bounce_rate,
    EXTRACT(EPOCH FROM (c.completed_at - c.started_at)) / 3600 AS campaign_duration_hours,
    ca.updated
FROM campaign_analytics ca
JOIN campaigns c ON ca.campaign_id = c.id;

CREATE UNIQUE INDEX idx_campaign_performance_key ON campaign_performance_summary(campaign_id, billing_id);
CREATE INDEX idx_campaign_performance_company ON campaign_performance_summary(company_id);
CREATE INDEX idx_campaign_performance_status ON campaign_performance_summary(campaign_status);
CREATE INDEX idx_campaign_performance_updated ON campaign_performance_summary(updated);

CREATE VIEW tenant_campaign_performance WITH (security_barrier = true) AS
SELECT * FROM campaign_performance_summary
WHERE penguin_is_admin()
   OR company_id IN (SELECT id FROM companies WHERE tenant_id = penguin_current_tenant());

-- ---------------------------------------------------------------------------------------------
-- Monthly range partitions. penguin_ensure_month_partitions creates the months that are
-- missing between two dates; rows that had fallen into the default partition for such a month
-- are moved into the new partition in the same transaction.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE emails_default PARTITION OF emails DEFAULT;
CREATE TABLE billing_analytics_default PARTITION OF billing_analytics DEFAULT;

CREATE FUNCTION penguin_ensure_month_partitions(p_parent TEXT, p_from DATE, p_to DATE)
RETURNS INTEGER
LANGUAGE plpgsql
AS $$
DECLARE
    v_key TEXT;
    v_month DATE := date_trunc('month', p_from)::date;
    v_part TEXT;
    v_created INTEGER := 0;
BEGIN
    SELECT a.attname INTO v_key
    FROM pg_partitioned_table pt
    JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
    WHERE pt.partrelid = p_parent::regclass;
    IF v_key IS NULL THEN
        RAISE EXCEPTION '% is not a partitioned table', p_parent;
    END IF;

    WHILE v_month <= p_to LOOP
        v_part := format('%s_%s', p_parent, to_char(v_month, 'YYYY_MM'));
        IF to_regclass(v_part) IS NULL THEN
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_part, p_parent);
            EXECUTE format(
                'WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved',
                p_parent || '_default', v_key, v_key, v_part)
                USING v_month, (v_month + INTERVAL '1 month');
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                p_parent, v_part, v_month, (v_month + INTERVAL '1 month')::date);
            v_created := v_created + 1;
        END IF;
        v_month := (v_month + INTERVAL '1 month')::date;
    END LOOP;
    RETURN v_created;
END $$;

SELECT penguin_ensure_month_partitions('emails', (CURRENT_DATE - INTERVAL '12 months')::date, (CURRENT_DATE + INTERVAL '3 months')::date);
SELECT penguin_ensure_month_partitions('billing_analytics', (CURRENT_DATE - INTERVAL '12 months')::date, (CURRENT_DATE + INTERVAL '3 months')::date);

-- ---------------------------------------------------------------------------------------------
-- Row-level security on every tenant-scoped table, forced for the owner too. Each policy
-- admits the admin role or rows of the tenant in app.current_tenant_id, and nothing when unset.
-- ---------------------------------------------------------------------------------------------
DO $$
DECLARE
    t TEXT;
    by_tenant TEXT[] := ARRAY[
        'companies', 'billing_analytics', 'daily_campaign_stats', 'daily_step_stats',
        'daily_mailbox_stats', 'daily_tenant_stats', 'admin_audit_logs', 'admin_system_events',
        'analytics_access_audit', 'analytics_rate_limits', 'analytics_export_controls',
        'billing_analytics_archive', 'daily_campaign_stats_archive', 'daily_step_stats_archive',
        'daily_mailbox_stats_archive', 'daily_tenant_stats_archive'];
    by_company TEXT[] := ARRAY[
        'campaigns', 'sequence_steps', 'mailboxes', 'leads', 'mailbox_health_snapshots',
        'campaign_analytics', 'sequence_step_analytics', 'mailbox_analytics', 'lead_analytics',
        'warmup_analytics', 'campaign_analytics_archive', 'sequence_step_analytics_archive',
        'mailbox_analytics_archive', 'lead_analytics_archive', 'warmup_analytics_archive'];
    by_tenant_key TEXT[] := ARRAY['emails', 'emails_archive'];
BEGIN
    FOREACH t IN ARRAY by_tenant || by_company || by_tenant_key || ARRAY['tenants'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    END LOOP;

    CREATE POLICY tenants_tenant_isolation ON tenants
        FOR ALL USING (penguin_is_admin() OR id = penguin_current_tenant());

    FOREACH t IN ARRAY by_tenant LOOP
        EXECUTE format(
            'CREATE POLICY %I ON %I FOR ALL USING (penguin_is_admin() OR tenant_id = penguin_current_tenant())',
            t || '_tenant_isolation', t);
    END LOOP;

    FOREACH t IN ARRAY by_company LOOP
        EXECUTE format(
            'CREATE POLICY %I ON %I FOR ALL USING (penguin_is_admin() OR company_id IN '
            '(SELECT id FROM companies WHERE tenant_id = penguin_current_tenant()))',
            t || '_tenant_isolation', t);
    END LOOP;

    FOREACH t IN ARRAY by_tenant_key LOOP
        EXECUTE format(
            'CREATE POLICY %I ON %I FOR ALL USING (penguin_is_admin() OR tenant_key = '
            '(SELECT tenant_key FROM tenants WHERE id = penguin_current_tenant()))',
            t || '_tenant_isolation', t);
    END LOOP;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Grants. Tenant readers get the parents of partitioned tables only (a partition read directly
-- would skip the parent's policies), and the scoped view instead of the materialized view.
-- ---------------------------------------------------------------------------------------------
DO $$
DECLARE
    t TEXT;
    readable TEXT[] := ARRAY[
        'tenants', 'companies', 'campaigns', 'sequence_steps', 'mailboxes', 'leads',
        'mailbox_health_snapshots', 'emails', 'billing_analytics', 'campaign_analytics',
        'sequence_step_analytics', 'mailbox_analytics', 'lead_analytics', 'warmup_analytics',
        'daily_campaign_stats', 'daily_step_stats', 'daily_mailbox_stats', 'daily_tenant_stats',
        'admin_audit_logs', 'admin_audit_log', 'admin_system_events', 'analytics_access_audit',
        'analytics_rate_limits', 'analytics_export_controls', 'analytics_connection_pools',
        'analytics_pool_metrics', 'tenant_campaign_performance'];
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO penguin_analytics_app, penguin_analytics_admin', current_schema());
    FOREACH t IN ARRAY readable LOOP
        EXECUTE format('GRANT SELECT ON %I TO penguin_analytics_app, penguin_analytics_admin', t);
    END LOOP;
    -- Audit trails are append-only for the application: INSERT and SELECT, never UPDATE or DELETE.
    GRANT INSERT ON analytics_access_audit, admin_audit_logs, admin_system_events
        TO penguin_analytics_app, penguin_analytics_admin;
    GRANT INSERT, UPDATE ON analytics_rate_limits TO penguin_analytics_app, penguin_analytics_admin;
    -- Archives are for compliance look-ups by platform admins only.
    FOREACH t IN ARRAY ARRAY[
        'emails_archive', 'billing_analytics_archive', 'campaign_analytics_archive',
        'sequence_step_analytics_archive', 'mailbox_analytics_archive', 'lead_analytics_archive',
        'warmup_analytics_archive', 'daily_campaign_stats_archive', 'daily_step_stats_archive',
        'daily_mailbox_stats_archive', 'daily_tenant_stats_archive'] LOOP
        EXECUTE format('GRANT SELECT ON %I TO penguin_analytics_admin', t);
    END LOOP;
END $$;
