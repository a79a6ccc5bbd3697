-- Anonymization, step 1: every identifier to replace, with its pseudonym. anon_params holds the
-- key's HMAC pads, the tenant (id and surrogate key) and, to erase one lead only, its id.
-- Kinds: tenant, company, campaign, step, mailbox, lead, email, event, subscription.
DROP TABLE IF EXISTS anon_ids;
CREATE TEMP TABLE anon_ids AS
SELECT 'tenant' AS kind, t.id AS original FROM tenants t, anon_params p WHERE t.id = p.tenant_id AND p.lead_id IS NULL
UNION ALL
SELECT 'subscription', t.subscription_id FROM tenants t, anon_params p WHERE t.id = p.tenant_id AND p.lead_id IS NULL AND t.subscription_id IS NOT NULL
UNION ALL
SELECT 'company', c.id FROM companies c, anon_params p WHERE c.tenant_id = p.tenant_id AND p.lead_id IS NULL
UNION ALL
SELECT 'campaign', k.id FROM campaigns k JOIN companies c ON c.id = k.company_id, anon_params p WHERE c.tenant_id = p.tenant_id AND p.lead_id IS NULL
UNION ALL
SELECT 'step', s.id FROM sequence_steps s JOIN companies c ON c.id = s.company_id, anon_params p WHERE c.tenant_id = p.tenant_id AND p.lead_id IS NULL
UNION ALL
SELECT 'mailbox', m.id FROM mailboxes m JOIN companies c ON c.id = m.company_id, anon_params p WHERE c.tenant_id = p.tenant_id AND p.lead_id IS NULL
UNION ALL
SELECT 'lead', l.id FROM leads l JOIN companies c ON c.id = l.company_id, anon_params p
WHERE c.tenant_id = p.tenant_id AND (p.lead_id IS NULL OR l.id = p.lead_id)
UNION ALL
SELECT 'email', e.email_id FROM emails e, anon_params p WHERE e.tenant_key = p.tenant_key AND p.lead_id IS NULL
UNION ALL
SELECT 'email', e.email_id FROM emails_archive e, anon_params p WHERE e.tenant_key = p.tenant_key AND p.lead_id IS NULL
UNION ALL
SELECT 'email', e.email_id FROM pending_events e, anon_params p WHERE e.tenant_key = p.tenant_key AND p.lead_id IS NULL AND e.email_id IS NOT NULL
UNION ALL
SELECT 'event', e.event_id FROM pending_events e, anon_params p WHERE e.tenant_key = p.tenant_key AND p.lead_id IS NULL
UNION ALL
SELECT 'event', h.event_id FROM mailbox_health_snapshots h JOIN companies c ON c.id = h.company_id, anon_params p WHERE c.tenant_id = p.tenant_id AND p.lead_id IS NULL;

DROP TABLE IF EXISTS anon_map;
CREATE TEMP TABLE anon_map AS
SELECT DISTINCT i.kind, i.original, penguin_pseudonym(i.kind, i.original, p.ipad, p.opad) AS pseudonym
FROM anon_ids i, anon_params p;

ANALYZE anon_map;
