-- The tenant of entities that earlier batches brought (on the coordinator, over every shard):
-- $1 company ids, $2 campaign ids, $3 mailbox ids, $4 lead ids, $5 sequence step ids.
SELECT 'company' AS kind, co.id, co.tenant_id FROM companies co WHERE co.id = ANY($1)
UNION ALL
SELECT 'campaign', c.id, co.tenant_id FROM campaigns c JOIN companies co ON co.shard = c.shard AND co.id = c.company_id WHERE c.id = ANY($2)
UNION ALL
SELECT 'mailbox', m.id, co.tenant_id FROM mailboxes m JOIN companies co ON co.shard = m.shard AND co.id = m.company_id WHERE m.id = ANY($3)
UNION ALL
SELECT 'lead', l.id, co.tenant_id FROM leads l JOIN companies co ON co.shard = l.shard AND co.id = l.company_id WHERE l.id = ANY($4)
UNION ALL
SELECT 'sequence_step', s.id, co.tenant_id FROM sequence_steps s JOIN companies co ON co.shard = s.shard AND co.id = s.company_id WHERE s.id = ANY($5);
