-- Whether the scope may see an entity for a time series. $1 tenant (NULL: all), $2 id, $3 kind.
-- One branch per kind, each dropped by both engines while planning when $3 names another: as one
-- condition OR-ing four EXISTS, DuckDB ran all four lookups on every read (3.0-3.5 ms against
-- 1.6-2.2 ms); as four SELECTs from the tables, PostgreSQL planned all four (1.1 ms against 0.3 ms).
SELECT 1 AS found
WHERE $3 = 'tenant' AND (CAST($1 AS TEXT) IS NULL OR CAST($1 AS TEXT) = $2) AND EXISTS (SELECT 1 FROM tenants WHERE id = $2)
UNION ALL
SELECT 1 WHERE $3 = 'campaign' AND EXISTS (SELECT 1 FROM campaigns c JOIN companies co ON co.id = c.company_id WHERE c.id = $2 AND (CAST($1 AS TEXT) IS NULL OR co.tenant_id = CAST($1 AS TEXT)))
UNION ALL
SELECT 1 WHERE $3 = 'step' AND EXISTS (SELECT 1 FROM sequence_steps s JOIN companies co ON co.id = s.company_id WHERE s.id = $2 AND (CAST($1 AS TEXT) IS NULL OR co.tenant_id = CAST($1 AS TEXT)))
UNION ALL
SELECT 1 WHERE $3 = 'mailbox' AND EXISTS (SELECT 1 FROM mailboxes m JOIN companies co ON co.id = m.company_id WHERE m.id = $2 AND (CAST($1 AS TEXT) IS NULL OR co.tenant_id = CAST($1 AS TEXT)));
