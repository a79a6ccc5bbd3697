-- Email ids are per tenant (DESIGN.md, "Data contract"): the identity of an email is
-- (tenant, email_id), so two tenants may use the same id. The fold records here every id that
-- more than one tenant uses, so that ingest can refuse at once an engagement event that does not
-- say (with tenant_id, or through a tenant's own key) which tenant's email it is about.
-- Written by the pipeline only (no grant to the application role). Before this version email ids
-- were global, so no id is shared yet.
CREATE TABLE shared_email_ids (
    email_id TEXT PRIMARY KEY,
    since TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- The fold looks emails up by tenant and id.
CREATE INDEX idx_emails_tenant_email ON emails(email_id, tenant_key);
DROP INDEX idx_emails_email;

-- Ad hoc `sql` runs under SET LOCAL ROLE penguin_analytics_admin, which may not read server files
-- (pg_read_file, pg_ls_dir, lo_import need superuser or pg_read_server_files). A statement could
-- still call set_config('role', ...) to switch back to the connecting user, a superuser perhaps,
-- before it reads a file: so the product's roles may not call set_config. The product itself sets
-- its context before it switches roles. Only a superuser may change a pg_catalog function's ACL;
-- a database migrated by a plain owner role has no superuser to switch back to.
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC;
        EXECUTE format('GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO %I',
                       (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()));
    END IF;
END
$$;

-- `sql` runs as penguin_analytics_admin: platform operators may read the pipeline's state too
-- (jobs, the inbox, dead letters), never the key hashes (api_keys) or sealed export passwords.
GRANT SELECT ON analytics_jobs, pending_events, entity_changes, pipeline_state, dead_letter_events,
    shared_email_ids, deliverability_alert_state TO penguin_analytics_admin;

-- The record type of a pending_events kind (0..8), for dead letters.
CREATE FUNCTION penguin_event_type(kind SMALLINT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE kind WHEN 0 THEN 'email.sent' WHEN 1 THEN 'email.delivered' WHEN 2 THEN 'email.opened'
                WHEN 3 THEN 'email.clicked' WHEN 4 THEN 'email.replied' WHEN 5 THEN 'email.bounced'
                WHEN 6 THEN 'email.unsubscribed' WHEN 7 THEN 'email.spam_complaint' WHEN 8 THEN 'mailbox.health'
                ELSE 'unknown' END
$$;
