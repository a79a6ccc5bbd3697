-- Anonymization of a whole tenant, step 3: personal fields of its audit and operations rows are
-- erased (ip addresses, user agents, free text and JSON payloads that may name people or
-- entities), and so is any other row's text that quotes one of its identifiers (a platform
-- admin's read of this tenant, say). The audit rows themselves stay: who did what, when.
UPDATE analytics_access_audit SET ip_address = NULL, user_agent = NULL, filters_applied = NULL, failure_reason = NULL
WHERE tenant_id = (SELECT penguin_pseudonym('tenant', tenant_id, ipad, opad) FROM anon_params);

UPDATE admin_audit_logs SET ip_address = NULL, user_agent = NULL, old_values = NULL, new_values = NULL, metadata = NULL, notes = NULL
WHERE tenant_id = (SELECT penguin_pseudonym('tenant', tenant_id, ipad, opad) FROM anon_params);

UPDATE admin_system_events SET ip_address = NULL, user_agent = NULL, device_info = NULL, details = NULL,
       message = 'anonymized ' || event_type, resolution = CASE WHEN resolution IS NULL THEN NULL ELSE 'anonymized' END
WHERE tenant_id = (SELECT penguin_pseudonym('tenant', tenant_id, ipad, opad) FROM anon_params);

UPDATE analytics_jobs SET payload = '{}', last_error = NULL
WHERE tenant_id = (SELECT penguin_pseudonym('tenant', tenant_id, ipad, opad) FROM anon_params);

UPDATE analytics_exports SET parameters = '{}', file_path = NULL, status = CASE WHEN status IN ('ready', 'queued', 'running', 'pending_approval') THEN 'expired' ELSE status END
WHERE tenant_id = (SELECT penguin_pseudonym('tenant', tenant_id, ipad, opad) FROM anon_params);

DROP TABLE IF EXISTS anon_quoted;
CREATE TEMP TABLE anon_quoted AS
SELECT '"' || original || '"' AS quoted, original FROM anon_map WHERE kind IN ('tenant', 'company', 'campaign', 'step', 'mailbox', 'lead');

UPDATE analytics_access_audit SET filters_applied = NULL
WHERE filters_applied IS NOT NULL
  AND EXISTS (SELECT 1 FROM anon_quoted q WHERE strpos(CAST(analytics_access_audit.filters_applied AS TEXT), q.quoted) > 0);

UPDATE admin_audit_logs SET old_values = NULL, new_values = NULL, metadata = NULL, notes = NULL
WHERE EXISTS (SELECT 1 FROM anon_quoted q
              WHERE strpos(COALESCE(CAST(admin_audit_logs.old_values AS TEXT), '') || COALESCE(CAST(admin_audit_logs.new_values AS TEXT), '')
                           || COALESCE(CAST(admin_audit_logs.metadata AS TEXT), ''), q.quoted) > 0
                 OR strpos(COALESCE(admin_audit_logs.notes, ''), q.original) > 0);

UPDATE admin_system_events SET details = NULL, message = 'anonymized ' || event_type
WHERE EXISTS (SELECT 1 FROM anon_quoted q
              WHERE strpos(COALESCE(CAST(admin_system_events.details AS TEXT), ''), q.quoted) > 0
                 OR strpos(admin_system_events.message, q.original) > 0);
