-- One mailbox, if the scope may see it. $1 tenant (NULL: all), $2 mailbox id.
SELECT m.id AS mailbox_id, m.address, m.domain, m.warmup_status, m.current_volume, m.company_id, co.tenant_id
FROM mailboxes m
JOIN companies co ON co.id = m.company_id
WHERE (CAST($1 AS TEXT) IS NULL OR co.tenant_id = CAST($1 AS TEXT))
  AND m.id = $2;
