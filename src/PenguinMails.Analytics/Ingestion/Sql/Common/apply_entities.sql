-- Applies one staged ingest batch's entities (apply_events.sql then applies its events): upserts
-- in parent order and their reference checks. A record whose parent is unknown (or that would
-- move to another parent) is rejected here with its line; everything else of the batch lands.
-- Ingestor runs it only for a batch that has entities.

-- The planner's statistics of the staged rows (PostgreSQL plans temp tables blind otherwise).
ANALYZE stage_entities;

-- A producer's key belongs to one tenant (ingest_scope holds it; empty for the platform admin):
-- records about another tenant's entities are rejected, level by level before each upsert. A
-- line has one rejection: the reference checks skip the lines the key's check rejected (a line
-- rejected twice was counted twice, and an accepted line of the batch then counted as rejected).
INSERT INTO stage_rejections (source, line, field, reason)
SELECT 'entity', s.line, 'id', 'tenant ''' || s.id || ''' is not the tenant of this API key'
FROM stage_entities s, ingest_scope k
WHERE s.entity_type = 'tenant' AND s.id <> k.tenant_id;

-- A tenant whose time zone changes has its days re-bucketed: Ingestor enqueues its recompute
-- (found before the update, which forgets the old zone; only a tenant with daily rows has days).
INSERT INTO stage_recompute_tenants (tenant_id)
SELECT s.id
FROM stage_entities s
JOIN tenants t ON t.id = s.id
WHERE s.entity_type = 'tenant' AND s.time_zone IS NOT NULL AND s.time_zone <> t.time_zone
  AND EXISTS (SELECT 1 FROM daily_tenant_stats d WHERE d.tenant_id = s.id)
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

-- Tenants have no parent.
UPDATE tenants SET
    name = COALESCE(s.name, tenants.name),
    billing_cycle_day = COALESCE(s.billing_cycle_day, tenants.billing_cycle_day),
    time_zone = COALESCE(s.time_zone, tenants.time_zone),
    updated = NOW()
FROM stage_entities s
WHERE s.entity_type = 'tenant' AND s.id = tenants.id
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

INSERT INTO tenants (id, name, billing_cycle_day, time_zone)
SELECT s.id, s.name, COALESCE(s.billing_cycle_day, 1), COALESCE(s.time_zone, 'UTC')
FROM stage_entities s
WHERE s.entity_type = 'tenant' AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = s.id)
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

-- Companies belong to a tenant.
INSERT INTO stage_rejections (source, line, field, reason)
SELECT 'entity', s.line, 'tenant_id', 'tenant ''' || s.parent_id || ''' is not the tenant of this API key'
FROM stage_entities s, ingest_scope k
WHERE s.entity_type = 'company' AND s.parent_id <> k.tenant_id;

INSERT INTO stage_rejections (source, line, field, reason)
SELECT 'entity', s.line, 'tenant_id',
       CASE WHEN t.id IS NULL THEN 'unknown tenant ''' || s.parent_id || ''''
            ELSE 'company ''' || s.id || ''' belongs to tenant ''' || c.tenant_id || '''; it cannot move to another tenant' END
FROM stage_entities s
LEFT JOIN tenants t ON t.id = s.parent_id
LEFT JOIN companies c ON c.id = s.id
WHERE s.entity_type = 'company' AND (t.id IS NULL OR c.tenant_id <> s.parent_id)
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

UPDATE companies SET name = COALESCE(s.name, companies.name), updated = NOW()
FROM stage_entities s
WHERE s.entity_type = 'company' AND s.id = companies.id
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

INSERT INTO companies (id, tenant_id, name)
SELECT s.id, s.parent_id, s.name
FROM stage_entities s
WHERE s.entity_type = 'company'
  AND NOT EXISTS (SELECT 1 FROM companies c WHERE c.id = s.id)
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

-- Campaigns, mailboxes and leads belong to a company (one statement per type keeps every join an equi-join).
INSERT INTO stage_rejections (source, line, field, reason)
SELECT 'entity', s.line, 'company_id', 'company ''' || s.parent_id || ''' is not of the tenant of this API key'
FROM stage_entities s
JOIN companies co ON co.id = s.parent_id
CROSS JOIN ingest_scope k
WHERE s.entity_type IN ('campaign', 'mailbox', 'lead') AND co.tenant_id <> k.tenant_id;

INSERT INTO stage_rejections (source, line, field, reason)
SELECT 'entity', s.line, 'company_id',
       CASE WHEN co.id IS NULL THEN 'unknown company ''' || s.parent_id || ''''
            ELSE 'campaign ''' || s.id || ''' belongs to company ''' || e.company_id || '''; it cannot move to another company' END
FROM stage_entities s
LEFT JOIN companies co ON co.id = s.parent_id
LEFT JOIN campaigns e ON e.id = s.id
WHERE s.entity_type = 'campaign' AND (co.id IS NULL OR e.company_id <> s.parent_id)
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

INSERT INTO stage_rejections (source, line, field, reason)
SELECT 'entity', s.line, 'company_id',
       CASE WHEN co.id IS NULL THEN 'unknown company ''' || s.parent_id || ''''
            ELSE 'mailbox ''' || s.id || ''' belongs to company ''' || e.company_id || '''; it cannot move to another company' END
FROM stage_entities s
LEFT JOIN companies co ON co.id = s.parent_id
LEFT JOIN mailboxes e ON e.id = s.id
WHERE s.entity_type = 'mailbox' AND (co.id IS NULL OR e.company_id <> s.parent_id)
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

INSERT INTO stage_rejections (source, line, field, reason)
SELECT 'entity', s.line, 'company_id',
       CASE WHEN co.id IS NULL THEN 'unknown company ''' || s.parent_id || ''''
            ELSE 'lead ''' || s.id || ''' belongs to company ''' || e.company_id || '''; it cannot move to another company' END
FROM stage_entities s
LEFT JOIN companies co ON co.id = s.parent_id
LEFT JOIN leads e ON e.id = s.id
WHERE s.entity_type = 'lead' AND (co.id IS NULL OR e.company_id <> s.parent_id)
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

-- The fold refreshes the analytics attributes of known entities whose values this batch changes
-- (recorded before their update). A new entity has no analytics rows yet: its rows take its
-- values when the fold inserts them, so it is not recorded (most of a batch's entities are new).
-- One branch per type keeps every join an equi-join; a value the line leaves out (NULL) is no change.
INSERT INTO entity_changes (entity_type, entity_id)
SELECT x.entity_type, x.id
FROM (
    SELECT s.line, s.entity_type, s.id
    FROM stage_entities s JOIN campaigns e ON e.id = s.id
    WHERE s.entity_type = 'campaign'
      AND (s.name IS NOT NULL AND s.name IS DISTINCT FROM e.name
           OR s.status IS NOT NULL AND s.status IS DISTINCT FROM e.status
           OR s.started_at IS NOT NULL AND s.started_at IS DISTINCT FROM e.started_at
           OR s.completed_at IS NOT NULL AND s.completed_at IS DISTINCT FROM e.completed_at)
    UNION ALL
    SELECT s.line, s.entity_type, s.id
    FROM stage_entities s JOIN mailboxes e ON e.id = s.id
    WHERE s.entity_type = 'mailbox'
      AND (s.address IS NOT NULL AND s.address IS DISTINCT FROM e.address
           OR s.domain IS NOT NULL AND s.domain IS DISTINCT FROM e.domain
           OR s.warmup_status IS NOT NULL AND s.warmup_status IS DISTINCT FROM e.warmup_status
           OR s.current_volume IS NOT NULL AND s.current_volume IS DISTINCT FROM e.current_volume)
    UNION ALL
    SELECT s.line, s.entity_type, s.id
    FROM stage_entities s JOIN leads e ON e.id = s.id
    WHERE s.entity_type = 'lead'
      AND (s.address IS NOT NULL AND s.address IS DISTINCT FROM e.address
           OR s.status IS NOT NULL AND s.status IS DISTINCT FROM e.status)
) x
WHERE NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = x.line);

UPDATE campaigns SET
    name = COALESCE(s.name, campaigns.name),
    status = COALESCE(s.status, campaigns.status),
    started_at = COALESCE(s.started_at, campaigns.started_at),
    completed_at = COALESCE(s.completed_at, campaigns.completed_at),
    updated = NOW()
FROM stage_entities s
WHERE s.entity_type = 'campaign' AND s.id = campaigns.id
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

INSERT INTO campaigns (id, company_id, name, status, started_at, completed_at)
SELECT s.id, s.parent_id, s.name, s.status, s.started_at, s.completed_at
FROM stage_entities s
WHERE s.entity_type = 'campaign'
  AND NOT EXISTS (SELECT 1 FROM campaigns c WHERE c.id = s.id)
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

UPDATE mailboxes SET
    address = COALESCE(s.address, mailboxes.address),
    domain = COALESCE(s.domain, mailboxes.domain),
    warmup_status = COALESCE(s.warmup_status, mailboxes.warmup_status),
    current_volume = COALESCE(s.current_volume, mailboxes.current_volume),
    updated = NOW()
FROM stage_entities s
WHERE s.entity_type = 'mailbox' AND s.id = mailboxes.id
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

INSERT INTO mailboxes (id, company_id, address, domain, warmup_status, current_volume)
SELECT s.id, s.parent_id, s.address, s.domain, s.warmup_status, s.current_volume
FROM stage_entities s
WHERE s.entity_type = 'mailbox'
  AND NOT EXISTS (SELECT 1 FROM mailboxes m WHERE m.id = s.id)
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

UPDATE leads SET
    address = COALESCE(s.address, leads.address),
    status = COALESCE(s.status, leads.status),
    updated = NOW()
FROM stage_entities s
WHERE s.entity_type = 'lead' AND s.id = leads.id
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

INSERT INTO leads (id, company_id, address, status)
SELECT s.id, s.parent_id, s.address, s.status
FROM stage_entities s
WHERE s.entity_type = 'lead'
  AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = s.id)
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

-- Sequence steps belong to a campaign (and so to its company).
INSERT INTO stage_rejections (source, line, field, reason)
SELECT 'entity', s.line, 'campaign_id', 'campaign ''' || s.parent_id || ''' is not of the tenant of this API key'
FROM stage_entities s
JOIN campaigns c ON c.id = s.parent_id
JOIN companies co ON co.id = c.company_id
CROSS JOIN ingest_scope k
WHERE s.entity_type = 'sequence_step' AND co.tenant_id <> k.tenant_id;

INSERT INTO stage_rejections (source, line, field, reason)
SELECT 'entity', s.line, 'campaign_id',
       CASE WHEN c.id IS NULL THEN 'unknown campaign ''' || s.parent_id || ''''
            ELSE 'sequence step ''' || s.id || ''' belongs to campaign ''' || st.campaign_id || '''; it cannot move to another campaign' END
FROM stage_entities s
LEFT JOIN campaigns c ON c.id = s.parent_id
LEFT JOIN sequence_steps st ON st.id = s.id
WHERE s.entity_type = 'sequence_step' AND (c.id IS NULL OR st.campaign_id <> s.parent_id)
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

UPDATE sequence_steps SET
    step_number = COALESCE(s.step_number, sequence_steps.step_number),
    variant = COALESCE(s.variant, sequence_steps.variant),
    updated = NOW()
FROM stage_entities s
WHERE s.entity_type = 'sequence_step' AND s.id = sequence_steps.id
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

INSERT INTO sequence_steps (id, campaign_id, company_id, step_number, variant)
SELECT s.id, s.parent_id, c.company_id, s.step_number, s.variant
FROM stage_entities s
JOIN campaigns c ON c.id = s.parent_id
WHERE s.entity_type = 'sequence_step'
  AND NOT EXISTS (SELECT 1 FROM sequence_steps st WHERE st.id = s.id)
  AND NOT EXISTS (SELECT 1 FROM stage_rejections r WHERE r.source = 'entity' AND r.line = s.line);

-- A tenant whose billing cycle day changed has new billing periods: Ingestor enqueues its recompute.
INSERT INTO stage_recompute_tenants (tenant_id)
SELECT DISTINCT s.id
FROM stage_entities s
JOIN billing_analytics b ON b.tenant_id = s.id
WHERE s.entity_type = 'tenant' AND s.billing_cycle_day IS NOT NULL
  AND CAST(EXTRACT(DAY FROM b.period_start AT TIME ZONE 'UTC') AS INTEGER) <> s.billing_cycle_day;
