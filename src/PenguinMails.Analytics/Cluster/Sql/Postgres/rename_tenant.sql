-- On the coordinator, after a tenant was anonymized on its shard (GDPR): its id there is now its
-- pseudonym ($2), and so it becomes here, in one transaction — its placement, and the coordinator's
-- own rows about it (API keys, sessions, the access and admin audit of the API's reads across tenants).
UPDATE penguin_topology.placements SET tenant_id = $2 WHERE tenant_id = $1;
UPDATE api_keys SET tenant_id = $2 WHERE tenant_id = $1;
UPDATE admin_system_events SET tenant_id = $2 WHERE tenant_id = $1;
UPDATE analytics_access_audit SET tenant_id = $2 WHERE tenant_id = $1;
UPDATE admin_audit_logs SET tenant_id = $2 WHERE tenant_id = $1;
