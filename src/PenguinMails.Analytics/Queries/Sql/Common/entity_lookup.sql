-- Whether the scope may see an entity for a time series. $1 tenant (NULL: all), $2 id, $3 kind.
SELECT 1 AS found
WHERE ($3 = 'tenant' AND (CAST($1 AS TEXT) IS NULL OR CAST($1 AS TEXT) = $2) AND EXISTS (SELECT 1 FROM tenants WHERE id = $2))
   OR ($3 = 'campaign' AND EXISTS (SELECT 1 FROM campaigns c JOIN companies co ON co.id = c.company_id WHERE c.id = $2 AND (CAST($1 AS TEXT) IS NULL OR co.tenant_id = CAST($1 AS TEXT))))
   OR ($3 = 'step' AND EXISTS (SELECT 1 FROM sequence_steps s JOIN companies co ON co.id = s.company_id WHERE s.id = $2 AND (CAST($1 AS TEXT) IS NULL OR co.tenant_id = CAST($1 AS TEXT))))
   OR ($3 = 'mailbox' AND EXISTS (SELECT 1 FROM mailboxes m JOIN companies co ON co.id = m.company_id WHERE m.id = $2 AND (CAST($1 AS TEXT) IS NULL OR co.tenant_id = CAST($1 AS TEXT))));
