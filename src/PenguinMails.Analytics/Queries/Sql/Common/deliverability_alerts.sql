-- The deliverability alerts about a tenant's own mailboxes and campaigns (bounce or complaint
-- rate over its threshold; see Aggregation/Sql/Common/deliverability_raise.sql), unresolved
-- first, then newest first: what a tenant sees of admin_system_events. $1 tenant (NULL: all),
-- $2 first day, $3 day after the last, $4 limit, $5 offset.
SELECT e.id, e.creation_time, e.severity, e.message, e.details, e.tenant_id, e.resolved, e.resolution
FROM admin_system_events e
WHERE e.event_type = 'deliverability_alert'
  AND (CAST($1 AS TEXT) IS NULL OR e.tenant_id = CAST($1 AS TEXT))
  AND e.creation_time >= penguin_tenant_ts($2, CAST($1 AS TEXT)) AND e.creation_time < penguin_tenant_ts($3, CAST($1 AS TEXT))
ORDER BY CASE WHEN e.resolved IS NULL THEN 0 ELSE 1 END, e.creation_time DESC, e.id DESC
LIMIT $4 OFFSET $5;
