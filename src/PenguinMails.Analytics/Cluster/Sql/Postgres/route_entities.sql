-- The tenant of entities that earlier batches brought, asked of each shard on its own (a shard
-- that is down fails only its own answer): $1 company ids, $2 campaign ids, $3 mailbox ids,
-- $4 lead ids, $5 sequence step ids.
SELECT 'company' AS kind, co.id, co.tenant_id FROM companies co WHERE co.id = ANY($1)
UNION ALL
SELECT 'campaign', c.id, co.tenant_id FROM campaigns c JOIN companies co ON co.id = c.company_id WHERE c.id = ANY($2)
UNION ALL
SELECT 'mailbox', m.id, co.tenant_id FROM mailboxes m JOIN companies co ON co.id = m.company_id WHERE m.id = ANY($3)
UNION ALL
SELECT 'lead', l.id, co.tenant_id FROM leads l JOIN companies co ON co.id = l.company_id WHERE l.id = ANY($4)
UNION ALL
SELECT 'sequence_step', s.id, co.tenant_id FROM sequence_steps s JOIN companies co ON co.id = s.company_id WHERE s.id = ANY($5);
