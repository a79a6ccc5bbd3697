-- The tenants whose emails have these ids (on the coordinator, over every shard): $1 email ids.
-- An email.sent not folded yet is still a pending event of kind 0 (written as a number: a
-- function of the product's would not be sent to the shards, and every row would come back).
-- Two tenants may use the same email id; then the event must name its tenant.
SELECT DISTINCT x.email_id, t.id AS tenant_id
FROM (
    SELECT e.shard, e.email_id, e.tenant_key FROM emails e WHERE e.email_id = ANY($1)
    UNION ALL
    SELECT p.shard, p.email_id, p.tenant_key FROM pending_events p WHERE p.kind = 0 AND p.email_id = ANY($1)
) x
JOIN tenants t ON t.shard = x.shard AND t.tenant_key = x.tenant_key;
