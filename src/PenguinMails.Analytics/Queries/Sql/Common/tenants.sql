-- The tenants a scope may see (the admin: all), for the dashboard's tenant picker.
-- $1 tenant (NULL: all).
SELECT t.id AS tenant_id, t.name, t.time_zone
FROM tenants t
WHERE CAST($1 AS TEXT) IS NULL OR t.id = CAST($1 AS TEXT)
ORDER BY t.id;
