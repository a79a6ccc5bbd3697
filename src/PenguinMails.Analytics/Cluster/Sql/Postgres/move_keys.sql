-- On the target shard of a move, once the tenant's entities are inserted there (each numbered
-- anew by the target): the map from the source shard's surrogate keys (in the move_* staging
-- tables) to the target's, joined on the entities' text ids. The raw store's rows are inserted
-- through it.
CREATE TEMP TABLE move_keys ON COMMIT DROP AS
SELECT 'tenant'::TEXT AS kind, s.tenant_key AS old_key, t.tenant_key AS new_key FROM move_tenants s JOIN tenants t ON t.id = s.id
UNION ALL SELECT 'company', s.company_key, t.company_key FROM move_companies s JOIN companies t ON t.id = s.id
UNION ALL SELECT 'campaign', s.campaign_key, t.campaign_key FROM move_campaigns s JOIN campaigns t ON t.id = s.id
UNION ALL SELECT 'step', s.step_key, t.step_key FROM move_sequence_steps s JOIN sequence_steps t ON t.id = s.id
UNION ALL SELECT 'mailbox', s.mailbox_key, t.mailbox_key FROM move_mailboxes s JOIN mailboxes t ON t.id = s.id
UNION ALL SELECT 'lead', s.lead_key, t.lead_key FROM move_leads s JOIN leads t ON t.id = s.id;
CREATE UNIQUE INDEX ON move_keys (kind, old_key);
ANALYZE move_keys;
