-- Email ids are per tenant (DESIGN.md, "Data contract"): the identity of an email is
-- (tenant, email_id), so two tenants may use the same id. The fold records here every id that
-- more than one tenant uses, so that ingest can refuse at once an engagement event that does not
-- say (with tenant_id, or through a tenant's own key) which tenant's email it is about.
-- Written by the pipeline only. Before this version email ids were global, so no id is shared yet.
CREATE TABLE shared_email_ids (
    email_id TEXT PRIMARY KEY,
    since TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
