-- API keys (issue: query layer and HTTP API). The secret is never stored: key_hash is the
-- SHA-256 of the high-entropy secret part of the key. Each key has one tenant and one role.
-- Only the product's owner role reads this table; tenant readers have no grant on it.
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
CREATE INDEX idx_api_keys_tenant ON api_keys(tenant_id);

-- Tenant reads run under SET LOCAL ROLE penguin_analytics_app (or _admin), so that row-level
-- security applies even when the product connects as the owner or a superuser.
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT penguin_analytics_app TO %I', current_user);
    END IF;
END $$;
