-- The tenants whose emails have these ids, asked of each shard on its own: $1 email ids. An
-- email.sent not folded yet is still a pending event of kind email.sent. Two tenants may use the
-- same email id; then the event must name its tenant.
SELECT DISTINCT x.email_id, t.id AS tenant_id
FROM (
    SELECT e.email_id, e.tenant_key FROM emails e WHERE e.email_id = ANY($1)
    UNION ALL
    SELECT p.email_id, p.tenant_key FROM pending_events p WHERE p.kind = penguin_kind('email.sent') AND p.email_id = ANY($1)
) x
JOIN tenants t ON t.tenant_key = x.tenant_key;
