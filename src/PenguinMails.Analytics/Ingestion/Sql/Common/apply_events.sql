-- Applies one staged ingest batch's events, after apply_entities.sql: reference checks, and the
-- accepted events, which queue_events.sql puts into pending_events (Ingestor enqueues a fold job
-- in the same transaction).
-- An event whose references are unknown is rejected here with its line. Ingestor runs it only
-- for a batch that has events.

-- The planner's statistics of the staged rows (PostgreSQL plans temp tables blind otherwise).
ANALYZE stage_events;

-- email.sent to a campaign: campaign, step of that campaign, mailbox and lead of its company.
INSERT INTO stage_rejections (source, line, field, reason)
SELECT 'event', x.line, x.field, x.reason
FROM (
    SELECT s.line,
           CASE WHEN c.id IS NULL THEN 'campaign_id'
                WHEN st.id IS NULL OR st.campaign_id <> c.id THEN 'step_id'
                WHEN m.id IS NULL OR m.company_id <> c.company_id THEN 'mailbox_id'
                WHEN l.id IS NULL OR l.company_id <> c.company_id THEN 'lead_id'
           END AS field,
           CASE WHEN c.id IS NULL THEN 'unknown campaign ''' || s.campaign_id || ''''
                WHEN st.id IS NULL THEN 'unknown sequence step ''' || s.step_id || ''''
                WHEN st.campaign_id <> c.id THEN 'sequence step ''' || s.step_id || ''' belongs to campaign ''' || st.campaign_id || ''', not ''' || c.id || ''''
                WHEN m.id IS NULL THEN 'unknown mailbox ''' || s.mailbox_id || ''''
                WHEN m.company_id <> c.company_id THEN 'mailbox ''' || s.mailbox_id || ''' belongs to another company than the campaign'
                WHEN l.id IS NULL THEN 'unknown lead ''' || s.lead_id || ''''
                WHEN l.company_id <> c.company_id THEN 'lead ''' || s.lead_id || ''' belongs to another company than the campaign'
           END AS reason
    FROM stage_events s
    LEFT JOIN campaigns c ON c.id = s.campaign_id
    LEFT JOIN sequence_steps st ON st.id = s.step_id
    LEFT JOIN mailboxes m ON m.id = s.mailbox_id
    LEFT JOIN leads l ON l.id = s.lead_id
    WHERE s.kind = penguin_kind('email.sent') AND NOT s.is_warmup
) x
WHERE x.field IS NOT NULL;

-- An event may name its tenant (tenant_id): a known one, the key's own, and for email.sent and
-- mailbox.health the tenant of the mailbox.
INSERT INTO stage_rejections (source, line, field, reason)
SELECT 'event', s.line, 'tenant_id',
       CASE WHEN t.id IS NULL THEN 'unknown tenant ''' || s.tenant_id || ''''
            WHEN k.tenant_id IS NOT NULL THEN 'tenant ''' || s.tenant_id || ''' is not the tenant of this API key'
            ELSE 'mailbox ''' || s.mailbox_id || ''' belongs to tenant ''' || co.tenant_id || ''', not ''' || s.tenant_id || '''' END
FROM stage_events s
LEFT JOIN tenants t ON t.id = s.tenant_id
LEFT JOIN ingest_scope k ON k.tenant_id <> s.tenant_id
LEFT JOIN mailboxes m ON m.id = s.mailbox_id AND s.kind IN (penguin_kind('email.sent'), penguin_kind('mailbox.health'))
LEFT JOIN companies co ON co.id = m.company_id
WHERE s.tenant_id IS NOT NULL
  AND (t.id IS NULL OR k.tenant_id IS NOT NULL OR co.tenant_id <> s.tenant_id)
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'event' AND r.line = s.line);

-- Email ids are per tenant: an engagement event for an id that several tenants use must say
-- whose email it is (tenant_id, or a tenant's own key). Ids that become shared later are caught
-- by the fold, which dead-letters such an event.
INSERT INTO stage_rejections (source, line, field, reason)
SELECT 'event', s.line, 'email_id', 'email id ''' || s.email_id || ''' is used by more than one tenant: name the tenant with tenant_id'
FROM stage_events s
JOIN shared_email_ids x ON x.email_id = s.email_id
WHERE s.kind NOT IN (penguin_kind('email.sent'), penguin_kind('mailbox.health')) AND s.tenant_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM ingest_scope)
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'event' AND r.line = s.line);

-- email.sent and mailbox.health name a mailbox: it must be of the key's tenant.
INSERT INTO stage_rejections (source, line, field, reason)
SELECT 'event', s.line, 'mailbox_id', 'mailbox ''' || s.mailbox_id || ''' is not of the tenant of this API key'
FROM stage_events s
JOIN mailboxes m ON m.id = s.mailbox_id
JOIN companies co ON co.id = m.company_id
CROSS JOIN ingest_scope k
WHERE s.kind IN (penguin_kind('email.sent'), penguin_kind('mailbox.health')) AND co.tenant_id <> k.tenant_id
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'event' AND r.line = s.line);

-- Warmup email.sent and mailbox.health need a known mailbox.
INSERT INTO stage_rejections (source, line, field, reason)
SELECT 'event', s.line, 'mailbox_id', 'unknown mailbox ''' || s.mailbox_id || ''''
FROM stage_events s
WHERE (s.kind = penguin_kind('mailbox.health') OR (s.kind = penguin_kind('email.sent') AND s.is_warmup))
  AND NOT EXISTS (SELECT 1 FROM mailboxes m WHERE m.id = s.mailbox_id);

-- The accepted events, references resolved to surrogate keys, for queue_events.sql (each engine
-- numbers them in input order its own way). A view: each engine plans it inside the INSERT. Only
-- email.sent and mailbox.health name entities: the other three quarters of a batch join nothing
-- but their tenant.
CREATE OR REPLACE TEMP VIEW stage_accepted AS
SELECT s.line, s.kind, s.event_id, s.email_id, s.occurred_at, s.bounce_type,
       t.tenant_key, co.company_key, c.campaign_key, st.step_key, m.mailbox_key, l.lead_key, s.is_warmup,
       s.health_score, s.progress_percentage, s.warmup_status, s.machine, s.reply_kind, s.category
FROM stage_events s
LEFT JOIN mailboxes m ON m.id = s.mailbox_id
LEFT JOIN companies co ON co.id = m.company_id
LEFT JOIN tenants t ON t.id = co.tenant_id
LEFT JOIN campaigns c ON c.id = s.campaign_id
LEFT JOIN sequence_steps st ON st.id = s.step_id
LEFT JOIN leads l ON l.id = s.lead_id
WHERE s.kind IN (penguin_kind('email.sent'), penguin_kind('mailbox.health'))
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'event' AND r.line = s.line)
UNION ALL
-- Other events carry the tenant they name or the key's (if any): the fold applies them to
-- that tenant's emails only, and resolves the others to the one tenant that has the email.
SELECT s.line, s.kind, s.event_id, s.email_id, s.occurred_at, s.bounce_type,
       COALESCE(nt.tenant_key, (SELECT kt.tenant_key FROM ingest_scope k JOIN tenants kt ON kt.id = k.tenant_id)),
       NULL, NULL, NULL, NULL, NULL, s.is_warmup,
       s.health_score, s.progress_percentage, s.warmup_status, s.machine, s.reply_kind, s.category
FROM stage_events s
LEFT JOIN tenants nt ON nt.id = s.tenant_id
WHERE s.kind NOT IN (penguin_kind('email.sent'), penguin_kind('mailbox.health'))
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'event' AND r.line = s.line);
