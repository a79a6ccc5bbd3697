-- Email ids are per tenant (DESIGN.md, "Data contract"): the identity of an email is
-- (tenant, email_id), so two tenants may use the same id. The fold records here every id that
-- more than one tenant uses, so that ingest can refuse at once an engagement event that does not
-- say (with tenant_id, or through a tenant's own key) which tenant's email it is about.
-- Written by the pipeline only. Before this version email ids were global, so no id is shared yet.
CREATE TABLE shared_email_ids (
    email_id TEXT PRIMARY KEY,
    since TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- The record type of a pending_events kind (0..8), for dead letters.
CREATE MACRO penguin_event_type(kind) AS
    CASE kind WHEN 0 THEN 'email.sent' WHEN 1 THEN 'email.delivered' WHEN 2 THEN 'email.opened'
                WHEN 3 THEN 'email.clicked' WHEN 4 THEN 'email.replied' WHEN 5 THEN 'email.bounced'
                WHEN 6 THEN 'email.unsubscribed' WHEN 7 THEN 'email.spam_complaint' WHEN 8 THEN 'mailbox.health'
                ELSE 'unknown' END;
