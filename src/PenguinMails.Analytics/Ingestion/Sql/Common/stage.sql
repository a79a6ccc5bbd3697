-- Staging tables for one ingest batch, filled by binary COPY (PostgreSQL) or the appender (DuckDB).
-- Entities arrive merged per id (later non-null values win); `line` is the merged group's index.
-- (The view of the accepted events, apply_events.sql, goes first: PostgreSQL keeps a table that a
-- view reads.)
DROP VIEW IF EXISTS stage_accepted;
DROP TABLE IF EXISTS stage_entities;
CREATE TEMP TABLE stage_entities (
    line BIGINT NOT NULL,
    entity_type TEXT NOT NULL,
    id TEXT NOT NULL,
    parent_id TEXT,
    name TEXT,
    status TEXT,
    address TEXT,
    domain TEXT,
    warmup_status TEXT,
    billing_cycle_day INTEGER,
    step_number INTEGER,
    current_volume INTEGER,
    started_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    variant TEXT,
    time_zone TEXT
);
DROP TABLE IF EXISTS stage_events;
CREATE TEMP TABLE stage_events (
    line BIGINT NOT NULL,
    kind SMALLINT NOT NULL,
    event_id TEXT NOT NULL,
    email_id TEXT,
    occurred_at TIMESTAMPTZ NOT NULL,
    bounce_type TEXT,
    campaign_id TEXT,
    step_id TEXT,
    mailbox_id TEXT,
    lead_id TEXT,
    is_warmup BOOLEAN NOT NULL,
    health_score SMALLINT,
    progress_percentage SMALLINT,
    warmup_status TEXT,
    tenant_id TEXT,
    machine BOOLEAN,
    reply_kind TEXT,
    category TEXT
);
DROP TABLE IF EXISTS stage_rejections;
CREATE TEMP TABLE stage_rejections (
    source TEXT NOT NULL,
    line BIGINT NOT NULL,
    field TEXT NOT NULL,
    reason TEXT NOT NULL
);
DROP TABLE IF EXISTS stage_recompute_tenants;
CREATE TEMP TABLE stage_recompute_tenants (
    tenant_id TEXT NOT NULL
);
DROP TABLE IF EXISTS ingest_scope;
CREATE TEMP TABLE ingest_scope (
    tenant_id TEXT NOT NULL
);
