-- Deliverability alerts (issue: governed exports, audit trail, system events). One row per
-- mailbox or campaign and metric that has been evaluated: is_over says whether its rate is over
-- the threshold now. An alert (admin_system_events) is raised when is_over turns true, so a
-- crossing raises one event however many emails follow; falling back below re-arms it.
-- Written by the pipeline only; tenant readers have no grant on it.
CREATE TABLE deliverability_alert_state (
    entity_type TEXT NOT NULL CHECK (entity_type IN ('mailbox', 'campaign')),
    entity_id TEXT NOT NULL,
    metric TEXT NOT NULL CHECK (metric IN ('bounce_rate', 'complaint_rate')),
    tenant_id TEXT NOT NULL,
    is_over BOOLEAN NOT NULL,
    rate NUMERIC(7, 2),
    sent BIGINT NOT NULL,
    changed TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (entity_type, entity_id, metric)
);

-- Governed exports: one row per requested export, from request to download or expiry. The file
-- lives outside the database (encrypted at rest when the tenant's controls say so); this row is
-- its state, who asked and who decided. A PDF password waits here sealed (AES-GCM under the export
-- key) until the file is written, then it is erased.
CREATE TABLE analytics_exports (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    report TEXT NOT NULL,
    parameters JSONB NOT NULL DEFAULT '{}',
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
CREATE INDEX idx_analytics_exports_tenant ON analytics_exports(tenant_id, requested DESC);
CREATE INDEX idx_analytics_exports_expires ON analytics_exports(expires) WHERE status = 'ready';

-- GDPR pseudonyms: 'anon_' and the first 24 hex digits of HMAC-SHA256(key, kind || ':' || value),
-- computed in SQL from the key's inner and outer pads (which the product derives from the
-- configured key and passes in; the key itself is never stored). Stable for a key, and neither
-- contains nor reveals the original.
CREATE FUNCTION penguin_pseudonym(kind TEXT, value TEXT, ipad BYTEA, opad BYTEA) RETURNS TEXT
LANGUAGE SQL IMMUTABLE PARALLEL SAFE
RETURN 'anon_' || substr(encode(sha256(opad || sha256(ipad || convert_to(kind || ':' || value, 'UTF8'))), 'hex'), 1, 24);
