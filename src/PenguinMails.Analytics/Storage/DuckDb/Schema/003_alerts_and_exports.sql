-- Deliverability alert state and governed exports: see Storage/Postgres/Schema/003_alerts_and_exports.sql.
CREATE TABLE deliverability_alert_state (
    entity_type TEXT NOT NULL CHECK (entity_type IN ('mailbox', 'campaign')),
    entity_id TEXT NOT NULL,
    metric TEXT NOT NULL CHECK (metric IN ('bounce_rate', 'complaint_rate')),
    tenant_id TEXT NOT NULL,
    is_over BOOLEAN NOT NULL,
    rate DECIMAL(7, 2),
    sent BIGINT NOT NULL,
    changed TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE analytics_exports (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    report TEXT NOT NULL,
    parameters JSON NOT NULL DEFAULT '{}',
    format TEXT NOT NULL CHECK (format IN ('csv', 'json', 'xlsx', 'pdf')),
    status TEXT NOT NULL CHECK (status IN ('pending_approval', 'queued', 'running', 'ready', 'rejected', 'failed', 'expired')),
    max_rows INTEGER NOT NULL,
    watermark TEXT,
    encrypted BOOLEAN NOT NULL DEFAULT FALSE,
    password_protected BOOLEAN NOT NULL DEFAULT FALSE,
    password_sealed TEXT,
    rows_exported BIGINT,
    file_bytes BIGINT,
    file_path TEXT,
    requested TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    decided_by TEXT,
    decided TIMESTAMPTZ,
    decision_note TEXT,
    completed TIMESTAMPTZ,
    expires TIMESTAMPTZ,
    downloads INTEGER NOT NULL DEFAULT 0,
    error TEXT
);

-- GDPR pseudonyms: see Storage/Postgres/Schema/003_alerts_and_exports.sql (HMAC-SHA256 from its pads).
CREATE MACRO penguin_pseudonym(kind, value, ipad, opad) AS
    'anon_' || substr(sha256(opad || unhex(sha256(ipad || encode(kind || ':' || value)))), 1, 24);
