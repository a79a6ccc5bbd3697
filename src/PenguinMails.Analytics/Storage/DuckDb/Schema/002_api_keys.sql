-- API keys: see Storage/Postgres/Schema/002_api_keys.sql. The secret is never stored.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'tenant_admin', 'ingest', 'admin')),
    name TEXT,
    created TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    revoked TIMESTAMPTZ,
    last_used TIMESTAMPTZ
);
