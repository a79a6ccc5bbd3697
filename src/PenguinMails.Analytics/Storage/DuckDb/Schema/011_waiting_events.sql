-- Events that wait for their email.sent are marked by the fold that left them waiting (see
-- Storage/Postgres/Schema/011_waiting_events.sql). DuckDB's ADD COLUMN fails on this table with
-- the configuration locked, so it is built again with the column, as 008 did.
CREATE TABLE pending_events_011 (
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
    category TEXT,
    waiting BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO pending_events_011 SELECT *, FALSE FROM pending_events;
DROP TABLE pending_events;
ALTER TABLE pending_events_011 RENAME TO pending_events;
