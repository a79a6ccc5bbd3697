-- Anonymization, step 3: what the column template (anonymize_column.sql) cannot say. Personal
-- fields of the entities (names, addresses, domains) are erased; audit resource ids name any
-- kind of entity; email and pending-event ids are unique per tenant only, so the tenant's key
-- scopes them; entity change and alert rows say their own kind.
UPDATE tenants SET name = NULL WHERE id IN (SELECT original FROM anon_map WHERE kind = 'tenant');

UPDATE companies SET name = NULL WHERE id IN (SELECT original FROM anon_map WHERE kind = 'company');

UPDATE campaigns SET name = NULL WHERE id IN (SELECT original FROM anon_map WHERE kind = 'campaign');

UPDATE mailboxes SET address = NULL, domain = NULL WHERE id IN (SELECT original FROM anon_map WHERE kind = 'mailbox');

UPDATE leads SET address = NULL WHERE id IN (SELECT original FROM anon_map WHERE kind = 'lead');

UPDATE admin_audit_logs SET resource_id = m.pseudonym
FROM anon_map m
WHERE m.kind IN ('tenant', 'company', 'campaign', 'step', 'mailbox', 'lead') AND admin_audit_logs.resource_id = m.original;

UPDATE emails SET email_id = m.pseudonym
FROM anon_map m, anon_params p
WHERE m.kind = 'email' AND emails.email_id = m.original AND emails.tenant_key = p.tenant_key;

-- An id the tenant shared with one other tenant is no longer shared once the tenant's copy is renamed.
DELETE FROM shared_email_ids
WHERE email_id IN (SELECT original FROM anon_map WHERE kind = 'email')
  AND (SELECT COUNT(DISTINCT e.tenant_key) FROM emails e WHERE e.email_id = shared_email_ids.email_id) < 2;

UPDATE emails_archive SET email_id = m.pseudonym
FROM anon_map m, anon_params p
WHERE m.kind = 'email' AND emails_archive.email_id = m.original AND emails_archive.tenant_key = p.tenant_key;

UPDATE pending_events SET email_id = m.pseudonym
FROM anon_map m, anon_params p
WHERE m.kind = 'email' AND pending_events.email_id = m.original AND pending_events.tenant_key = p.tenant_key;

UPDATE pending_events SET event_id = m.pseudonym
FROM anon_map m, anon_params p
WHERE m.kind = 'event' AND pending_events.event_id = m.original AND pending_events.tenant_key = p.tenant_key;

UPDATE entity_changes SET entity_id = m.pseudonym
FROM anon_map m
WHERE m.kind = entity_changes.entity_type AND entity_changes.entity_id = m.original;

UPDATE deliverability_alert_state SET entity_id = m.pseudonym
FROM anon_map m
WHERE m.kind = deliverability_alert_state.entity_type AND deliverability_alert_state.entity_id = m.original;
